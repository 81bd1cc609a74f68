package bundle_test

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tutor-dev/tutor/model"
	"github.com/tutor-dev/tutor/model/bundle"
	"github.com/tutor-dev/tutor/model/internal/depcheck"
)

var created = time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)

// sourceFolder writes a model folder as training leaves it: weights,
// config, tokenizer and the checkpoint's own manifest.json.
func sourceFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	weights := make([]byte, 70_000)
	for i := range weights {
		weights[i] = byte(i * 7 % 251)
	}
	files := map[string][]byte{
		"model.safetensors": weights,
		"config.json":       []byte(`{"vocab_size": 512}` + "\n"),
		"tokenizer.json":    []byte(`{"model": {"type": "BPE"}}` + "\n"),
		"manifest.json":     []byte(`{"format": "tutor-checkpoint"}` + "\n"),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func newKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	key, err := bundle.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func publicOf(key ed25519.PrivateKey) ed25519.PublicKey { return key.Public().(ed25519.PublicKey) }

func sampleManifest() bundle.Manifest {
	return bundle.Manifest{Version: 2, Parent: 1, Created: created, Task: "gec", Kind: "student",
		Metrics: map[string]float64{"f0.5": 0.41, "precision": 0.5},
		Data:    map[string]string{"train": "data/gec/build/tagging-train.jsonl", "teacher": "version 1"}}
}

// mustCreate makes a bundle of sourceFolder and returns its folder.
func mustCreate(t *testing.T, key ed25519.PrivateKey) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "models", "2")
	if err := bundle.Create(sourceFolder(t), out, sampleManifest(), key); err != nil {
		t.Fatal(err)
	}
	return out
}

// loadFS reads a bundle folder into memory, where tests can alter it.
func loadFS(t *testing.T, dir string) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		fsys[e.Name()] = &fstest.MapFile{Data: data, Mode: 0o644}
	}
	return fsys
}

func TestCreateVerifyRoundTrip(t *testing.T) {
	key := newKey(t)
	src := sourceFolder(t)
	out := filepath.Join(t.TempDir(), "models", "2")
	if err := bundle.Create(src, out, sampleManifest(), key); err != nil {
		t.Fatal(err)
	}
	m, err := bundle.Verify(os.DirFS(out), publicOf(key))
	if err != nil {
		t.Fatal(err)
	}
	want := sampleManifest()
	if m.Format != bundle.Format || m.FormatVersion != bundle.FormatVersion || m.Version != want.Version || m.Parent != want.Parent ||
		!m.Created.Equal(created) || m.Task != "gec" || m.Kind != "student" ||
		!reflect.DeepEqual(m.Metrics, want.Metrics) || !reflect.DeepEqual(m.Data, want.Data) {
		t.Errorf("Verify returned %+v", m)
	}
	wantNames := []string{"checkpoint.json", "config.json", "model.safetensors", "tokenizer.json"}
	if got := m.Names(); !reflect.DeepEqual(got, wantNames) {
		t.Errorf("files %v, want %v (the checkpoint's manifest.json kept as checkpoint.json)", got, wantNames)
	}
	for name, srcName := range map[string]string{"model.safetensors": "model.safetensors", "checkpoint.json": "manifest.json"} {
		a, _ := os.ReadFile(filepath.Join(src, srcName))
		b, _ := os.ReadFile(filepath.Join(out, name))
		if !bytes.Equal(a, b) || m.Files[name].Size != int64(len(a)) {
			t.Errorf("%s in the bundle differs from %s in the source", name, srcName)
		}
	}
	if m.TotalSize() < 70_000 {
		t.Errorf("TotalSize = %d", m.TotalSize())
	}
	assertOnlyEntries(t, filepath.Dir(out), "2") // no temporary folder left beside it
}

// TestStreamingCheck is the path of a client that downloads the manifest
// and its signature first and checks each file as it arrives.
func TestStreamingCheck(t *testing.T) {
	key := newKey(t)
	fsys := loadFS(t, mustCreate(t, key))
	sig, err := bundle.DecodeSignature(fsys["manifest.sig"].Data)
	if err != nil {
		t.Fatal(err)
	}
	m, err := bundle.OpenManifest(fsys["manifest.json"].Data, sig, publicOf(key))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range m.Names() {
		if err := m.CheckFile(name, bytes.NewReader(fsys[name].Data)); err != nil {
			t.Errorf("CheckFile(%s): %v", name, err)
		}
	}
	long := append(append([]byte{}, fsys["config.json"].Data...), 'x')
	wantRefusal(t, m.CheckFile("config.json", bytes.NewReader(long)), "config.json", "more than")
	wantRefusal(t, m.CheckFile("extra.bin", bytes.NewReader(nil)), "extra.bin", "not listed")
}

// TestTamperedByteRefused flips one byte at the start, middle and end of
// every file of the bundle and expects Verify to refuse it, naming the
// file (a changed manifest shows as a signature that does not match it).
func TestTamperedByteRefused(t *testing.T) {
	key := newKey(t)
	good := loadFS(t, mustCreate(t, key))
	for name, f := range good {
		positions := []int{0, len(f.Data) / 2, len(f.Data) - 1}
		if name == "manifest.sig" {
			positions = []int{0, 40, 85} // inside the base64 text (88 characters, then "\n")
		}
		for _, pos := range positions {
			fsys := cloneFS(good)
			data := fsys[name].Data
			data[pos] ^= 0x01
			_, err := bundle.Verify(fsys, publicOf(key))
			wantName := name
			if name == "manifest.json" {
				wantName = "manifest.sig"
			}
			e := wantRefusal(t, err, wantName, "")
			if !strings.Contains(e.Error(), name) {
				t.Errorf("tampered %s at %d: the message does not name it: %v", name, pos, e)
			}
		}
	}
}

// TestSignaturePaddingBitsRefused: the last base64 digit of a 64-byte
// signature carries 4 unused bits; a lenient decoder would read a changed
// one as the same signature.
func TestSignaturePaddingBitsRefused(t *testing.T) {
	key := newKey(t)
	fsys := loadFS(t, mustCreate(t, key))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	sig := fsys["manifest.sig"].Data
	if sig[86] != '=' || sig[87] != '=' {
		t.Fatalf("manifest.sig %q does not end in == as a 64-byte signature does", sig)
	}
	sig[85] = alphabet[strings.IndexByte(alphabet, sig[85])^1]
	_, err := bundle.Verify(fsys, publicOf(key))
	wantRefusal(t, err, "manifest.sig", "base64")
}

func TestOtherKeyRefused(t *testing.T) {
	fsys := loadFS(t, mustCreate(t, newKey(t)))
	_, err := bundle.Verify(fsys, publicOf(newKey(t)))
	wantRefusal(t, err, "manifest.sig", "another key")
	_, err = bundle.Verify(fsys, ed25519.PublicKey{1, 2, 3})
	wantRefusal(t, err, "manifest.sig", "log in again")
}

func TestMissingAndExtraFilesRefused(t *testing.T) {
	key := newKey(t)
	good := loadFS(t, mustCreate(t, key))

	fsys := cloneFS(good)
	delete(fsys, "tokenizer.json")
	_, err := bundle.Verify(fsys, publicOf(key))
	wantRefusal(t, err, "tokenizer.json", "missing")

	fsys = cloneFS(good)
	fsys["notes.txt"] = &fstest.MapFile{Data: []byte("hello")}
	_, err = bundle.Verify(fsys, publicOf(key))
	wantRefusal(t, err, "notes.txt", "not listed")

	fsys = cloneFS(good)
	fsys["sub/model.bin"] = &fstest.MapFile{Data: []byte("x")}
	_, err = bundle.Verify(fsys, publicOf(key))
	wantRefusal(t, err, "sub", "not listed")

	for _, name := range []string{"manifest.json", "manifest.sig"} {
		fsys = cloneFS(good)
		delete(fsys, name)
		_, err = bundle.Verify(fsys, publicOf(key))
		wantRefusal(t, err, name, "missing")
	}

	fsys = cloneFS(good)
	fsys["model.safetensors"].Data = fsys["model.safetensors"].Data[:100]
	_, err = bundle.Verify(fsys, publicOf(key))
	wantRefusal(t, err, "model.safetensors", "incomplete")
}

func TestCreateRefusesAndLeavesNothing(t *testing.T) {
	key := newKey(t)
	parent := t.TempDir()
	out := filepath.Join(parent, "3")
	bad := func(what string, src string, m bundle.Manifest, k ed25519.PrivateKey, wantMsg string) {
		t.Helper()
		err := bundle.Create(src, out, m, k)
		if err == nil || !strings.Contains(err.Error(), wantMsg) {
			t.Errorf("%s: error %v, want one saying %q", what, err, wantMsg)
		}
		assertOnlyEntries(t, parent)
	}
	withSub := sourceFolder(t)
	os.Mkdir(filepath.Join(withSub, "best"), 0o755)
	bad("a sub-folder", withSub, sampleManifest(), key, "flat folder")

	badName := sourceFolder(t)
	os.WriteFile(filepath.Join(badName, "my model.bin"), []byte("x"), 0o644)
	bad("a name with a space", badName, sampleManifest(), key, "rename it")

	already := sourceFolder(t)
	os.WriteFile(filepath.Join(already, "manifest.sig"), []byte("x"), 0o644)
	bad("a bundle as source", already, sampleManifest(), key, "already is a bundle")

	bad("an empty folder", t.TempDir(), sampleManifest(), key, "is empty")
	bad("a missing folder", filepath.Join(parent, "nope"), sampleManifest(), key, "no such file")

	m := sampleManifest()
	m.Version = 0
	bad("version 0", sourceFolder(t), m, key, "versions start at 1")
	m = sampleManifest()
	m.Parent = 5
	bad("a parent after the version", sourceFolder(t), m, key, "parent version 5")
	bad("a short key", sourceFolder(t), sampleManifest(), key[:10], "LoadKey")

	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := bundle.Create(sourceFolder(t), out, sampleManifest(), key); err == nil || !strings.Contains(err.Error(), "never overwritten") {
		t.Errorf("Create over an existing folder: %v", err)
	}
	assertOnlyEntries(t, parent, "3")
}

// TestCheckpointFS publishes a real (tiny) checkpoint and loads the model
// back from the verified bundle, as the browser will.
func TestCheckpointFS(t *testing.T) {
	m, err := model.New(model.Tiny(), model.Options{Inference: true})
	if err != nil {
		t.Fatal(err)
	}
	ck := filepath.Join(t.TempDir(), "best")
	if err := m.Save(ck, model.SaveOptions{State: map[string]string{"kind": "finetune"}}); err != nil {
		t.Fatal(err)
	}
	key := newKey(t)
	out := filepath.Join(t.TempDir(), "1")
	if err := bundle.Create(ck, out, bundle.Manifest{Version: 1}, key); err != nil {
		t.Fatal(err)
	}
	fsys := os.DirFS(out)
	if _, err := bundle.Verify(fsys, publicOf(key)); err != nil {
		t.Fatal(err)
	}
	loaded, err := model.LoadFS(bundle.CheckpointFS(fsys), model.Options{Inference: true})
	if err != nil {
		t.Fatalf("loading the model from the bundle: %v", err)
	}
	if loaded.State["kind"] != "finetune" || loaded.Model.Config != model.Tiny() {
		t.Errorf("loaded %+v with state %v", loaded.Model.Config, loaded.State)
	}
	if _, err := fs.Stat(bundle.CheckpointFS(fsys), "checkpoint.json"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("checkpoint.json still visible under its own name: %v", err)
	}
}

// TestBrowserSideImports: the inference worker imports this package, so it
// must build for js/wasm from the standard library alone, without
// crypto/x509's weight.
func TestBrowserSideImports(t *testing.T) {
	depcheck.StandardLibraryOnly(t)
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep == "crypto/x509" {
			t.Error("depends on crypto/x509, which adds megabytes to the browser's wasm")
		}
	}
}

func wantRefusal(t *testing.T, err error, file, words string) *bundle.Error {
	t.Helper()
	var e *bundle.Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want a refusal of %s", err, file)
	}
	if e.File != file || !strings.Contains(e.Reason, words) {
		t.Fatalf("refusal %q, want one of %s saying %q", e, file, words)
	}
	return e
}

func cloneFS(fsys fstest.MapFS) fstest.MapFS {
	out := fstest.MapFS{}
	for name, f := range fsys {
		c := *f
		c.Data = append([]byte{}, f.Data...)
		out[name] = &c
	}
	return out
}

func assertOnlyEntries(t *testing.T, dir string, want ...string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("%s holds %v, want %v", dir, got, want)
	}
}
