package quant

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/tutor-dev/tutor/model"
	"github.com/tutor-dev/tutor/model/safetensors"
	"github.com/tutor-dev/tutor/model/train"
)

// tinyModel is the committed tiny language model (C=32, two blocks).
const tinyModel = "../../testdata/tiny-model"

// quantizeTiny quantizes src into a new temporary directory.
func quantizeTiny(t testing.TB, src string, opt Options) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "int8")
	if _, err := Quantize(src, out, opt); err != nil {
		t.Fatal(err)
	}
	return out
}

var (
	taggerOnce sync.Once
	taggerDir  string
	taggerErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if taggerDir != "" {
		os.RemoveAll(taggerDir)
	}
	os.Exit(code)
}

// tinyTagger fine-tunes the tiny model on the committed tagging data
// (names and feeling words), once for the package's tests, and returns the
// run directory.
func tinyTagger(t testing.TB) string {
	t.Helper()
	taggerOnce.Do(func() {
		if taggerDir, taggerErr = os.MkdirTemp("", "quant-test-"); taggerErr != nil {
			return
		}
		var cfg *train.Config
		cfg, taggerErr = train.ParseConfig([]byte(`{"init": "tiny-model", "head": "tagging",
			"data": {"train": "tiny-tag-train.jsonl", "val": "tiny-tag-val.jsonl"},
			"batch_size": 8, "steps": 300, "lr": 0.01, "warmup": 10, "eval_every": 300, "seed": 1}`), "../../testdata")
		if taggerErr == nil {
			_, taggerErr = train.Run(context.Background(), cfg, train.Options{Out: filepath.Join(taggerDir, "run")})
		}
	})
	if taggerErr != nil {
		t.Fatal(taggerErr)
	}
	return filepath.Join(taggerDir, "run")
}

// copyDir copies the files of src into a new temporary directory.
func copyDir(t testing.TB, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// rawTensors reads every tensor of a safetensors file as bytes, in file
// order, with its metadata.
func rawTensors(t testing.TB, path string) ([]safetensors.RawTensor, map[string]string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.Parse(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	start := 8 + int64(binary.LittleEndian.Uint64(data))
	var out []safetensors.RawTensor
	for _, tn := range f.Tensors {
		out = append(out, safetensors.RawTensor{Name: tn.Name, DType: tn.DType, Shape: tn.Shape,
			Data: append([]byte(nil), data[start+tn.Begin:start+tn.End]...)})
	}
	return out, f.Metadata
}

// writeTensors rewrites a checkpoint's model.safetensors and updates the
// manifest's hash, as someone editing the files by hand would, so that the
// loader's own checks (not the hash) must find what is wrong.
func writeTensors(t testing.TB, dir string, ts []safetensors.RawTensor, md map[string]string) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, model.ModelFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := safetensors.WriteRaw(f, ts, md); err != nil {
		t.Fatal(err)
	}
	f.Close()
	rehash(t, dir, model.ModelFile)
}

// rehash writes file's current size and sha256 into dir's manifest.
func rehash(t testing.TB, dir, file string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	var man model.Manifest
	mp := filepath.Join(dir, model.ManifestFile)
	mdata, err := os.ReadFile(mp)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(mdata, &man); err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(data)
	man.Files[file] = model.FileDigest{SHA256: hex.EncodeToString(h[:]), Bytes: int64(len(data))}
	out, _ := json.Marshal(man)
	if err := os.WriteFile(mp, out, 0o644); err != nil {
		t.Fatal(err)
	}
}
