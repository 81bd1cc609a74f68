package engine_test

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tutor-dev/tutor/model/bundle"
	"github.com/tutor-dev/tutor/model/checker"
	"github.com/tutor-dev/tutor/model/engine"
)

const (
	releasedChecker = "../../data/models/gec-student-int8"
	lexiconDir      = "../../data/errors"
	explanations    = "../../data/explain/en-for-zh.json"
)

// releasedBundle signs the released int8 checker with its word tables and
// explanations into a bundle, as `tutor publish --task gec` does, and
// returns its files as the browser holds them.
func releasedBundle(t *testing.T, key ed25519.PrivateKey) map[string][]byte {
	t.Helper()
	files, err := bundle.FolderFiles(releasedChecker)
	if err != nil {
		t.Fatal(err)
	}
	extra, err := engine.CheckerFiles(lexiconDir, explanations)
	if err != nil {
		t.Fatal(err)
	}
	for name, path := range extra {
		files[name] = path
	}
	dir := filepath.Join(t.TempDir(), "1")
	if err := bundle.CreateFiles(files, dir, bundle.Manifest{Version: 1, Task: engine.TaskGEC, Kind: "student"}, key); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	held := map[string][]byte{}
	for _, e := range entries {
		if held[e.Name()], err = os.ReadFile(filepath.Join(dir, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	return held
}

// TestOpenChecksLikeTheServer: a bundle opened from memory checks
// sentences exactly as the checker the server opens from the same files.
func TestOpenChecksLikeTheServer(t *testing.T) {
	pub, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.Open(releasedBundle(t, key), pub, nil)
	if err != nil {
		t.Fatal(err)
	}
	if e.Checker == nil || e.Grader != nil || e.Manifest.Version != 1 {
		t.Fatalf("opened %+v, want a checker of version 1", e)
	}
	server, err := checker.Open(releasedChecker, lexiconDir, explanations, checker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"My father work in a bank.", "She go to school yesterday and buyed a apple.", "I like it."} {
		got, err := e.Checker.Check(s)
		if err != nil {
			t.Fatal(err)
		}
		want, err := server.Check(s)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: engine %+v, server %+v", s, got, want)
		}
	}
}

// TestOpenRefuses: a changed byte, another server's key, or a gec bundle
// without its explanations never opens, and the error says which file.
func TestOpenRefuses(t *testing.T) {
	pub, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	files := releasedBundle(t, key)

	tampered := clone(files)
	w := tampered["model.safetensors"]
	w[len(w)/2] ^= 1
	if _, err := engine.Open(tampered, pub, nil); err == nil || !strings.Contains(err.Error(), "model.safetensors") {
		t.Errorf("tampered weights: err = %v, want a refusal naming model.safetensors", err)
	}

	otherPub, _, _ := ed25519.GenerateKey(nil)
	if _, err := engine.Open(files, otherPub, nil); err == nil || !strings.Contains(err.Error(), bundle.SignatureFile) {
		t.Errorf("another key: err = %v, want a signature refusal", err)
	}

	missing := clone(files)
	delete(missing, "rep.tsv")
	if _, err := engine.Open(missing, pub, nil); err == nil || !strings.Contains(err.Error(), "rep.tsv") {
		t.Errorf("a listed file missing: err = %v, want it named", err)
	}
}

func clone(files map[string][]byte) map[string][]byte {
	c := map[string][]byte{}
	for k, v := range files {
		c[k] = append([]byte(nil), v...)
	}
	return c
}

// TestBenchForward: the benchmark's random int8 student gives logits over
// the whole vocabulary at every position, close to the float model's.
func TestBenchForward(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the 5M-parameter student twice")
	}
	i8, err := engine.NewBench("student", "int8", 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	f32, err := engine.NewBench("student", "float32", 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := i8.Forward(5)
	if err != nil {
		t.Fatal(err)
	}
	got = append([]float32(nil), got...)
	want, err := f32.Forward(5)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5*8192 || len(want) != len(got) {
		t.Fatalf("%d and %d logits, want 5×8192", len(got), len(want))
	}
	var diff, norm float64
	for i := range got {
		d := float64(got[i] - want[i])
		diff += d * d
		norm += float64(want[i]) * float64(want[i])
	}
	if norm == 0 || diff/norm > 1e-3 {
		t.Errorf("int8 logits differ from float32 ones by %.3g relative (squared)", diff/norm)
	}
	if _, err := i8.Forward(129); err == nil {
		t.Error("T=129 accepted by a model of 128 positions")
	}
	if _, err := engine.NewBench("student", "int4", 1, nil); err == nil {
		t.Error("activations int4 accepted")
	}
}
