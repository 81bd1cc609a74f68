package model

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tutor-dev/tutor/model/safetensors"
)

// trainedModel is the tiny model after a few steps of training with
// dropout, so that its weights, moments and random state are all non-trivial.
func trainedModel(t *testing.T, lora bool) (*Model, *AdamW, Batch) {
	cfg := Tiny()
	m := newTestModel(t, cfg, FastOps, 2, 1)
	if lora {
		if err := m.AttachLoRA(LoRAConfig{Rank: 2, Alpha: 4}, 1); err != nil {
			t.Fatal(err)
		}
	}
	m.Training, m.Dropout = true, 0.1
	b := randomBatch(rand.New(rand.NewPCG(1, 1)), cfg, TaskTag, 2, 12, []int{12, 7})
	opt := DefaultAdamW()
	for range 3 {
		trainStep(t, m, b, &opt, 1e-3)
	}
	return m, &opt, b
}

// TestCheckpointRoundTrip: save, load, and training resumes exactly where
// it stopped (weights, moments, step, dropout's random state), with and
// without LoRA adapters.
func TestCheckpointRoundTrip(t *testing.T) {
	for _, lora := range []bool{false, true} {
		name := map[bool]string{false: "full", true: "lora"}[lora]
		t.Run(name, func(t *testing.T) {
			m, opt, b := trainedModel(t, lora)
			dir := filepath.Join(t.TempDir(), "ckpt")
			state := map[string]string{"epoch": "3", "best_val_loss": "1.25"}
			if err := m.Save(dir, SaveOptions{Optimizer: opt, State: state}); err != nil {
				t.Fatal(err)
			}
			ck, err := Load(dir, Options{MaxB: 2})
			if err != nil {
				t.Fatal(err)
			}
			got := ck.Model
			if got.Config != m.Config || (got.LoRA != nil) != lora || ck.State["epoch"] != "3" {
				t.Fatalf("config %v, lora %v, state %v", got.Config, got.LoRA != nil, ck.State)
			}
			if *ck.Optimizer != *opt {
				t.Errorf("optimizer %+v, saved %+v", *ck.Optimizer, *opt)
			}
			for i, s := range m.paramSets() {
				gs := got.paramSets()[i]
				if !slices.Equal(s.Data, gs.Data) || !slices.Equal(s.M, gs.M) || !slices.Equal(s.V, gs.V) {
					t.Errorf("parameter set %d differs after loading", i)
				}
			}
			got.Training, got.Dropout = true, m.Dropout
			for step := range 2 {
				want := trainStep(t, m, b, opt, 1e-3)
				have := trainStep(t, got, b, ck.Optimizer, 1e-3)
				if want != have {
					t.Errorf("resumed step %d: loss %v, uninterrupted %v", step, have, want)
				}
			}
			// An inference load needs no optimizer and computes the same.
			inf, err := Load(dir, Options{Inference: true})
			if err != nil || inf.Optimizer != nil {
				t.Fatalf("inference load: %v, optimizer %v", err, inf.Optimizer)
			}
		})
	}
}

// TestCheckpointSaveReplacesAtomically: saving over a checkpoint replaces
// it and leaves no temporary directories; a save that fails half way
// leaves the old checkpoint loadable and untouched.
func TestCheckpointSaveReplacesAtomically(t *testing.T) {
	m, opt, _ := trainedModel(t, false)
	root := t.TempDir()
	dir := filepath.Join(root, "ckpt")
	if err := m.Save(dir, SaveOptions{Optimizer: opt, State: map[string]string{"n": "1"}}); err != nil {
		t.Fatal(err)
	}
	if err := m.Save(dir, SaveOptions{State: map[string]string{"n": "2"}}); err != nil {
		t.Fatal(err)
	}
	ck, err := Load(dir, Options{})
	if err != nil || ck.State["n"] != "2" || ck.Optimizer != nil {
		t.Fatalf("after overwrite: %v %v", err, ck)
	}
	saveFault = func(file string) error {
		if file == ModelFile {
			return errors.New("disk full")
		}
		return nil
	}
	err = m.Save(dir, SaveOptions{State: map[string]string{"n": "3"}})
	saveFault = nil
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("failing save: %v", err)
	}
	ck, err = Load(dir, Options{})
	if err != nil || ck.State["n"] != "2" {
		t.Fatalf("after a failed save the old checkpoint is gone: %v", err)
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("left behind: %v", names)
	}
}

// TestCheckpointRejectsDamage: each kind of damage is refused with a
// message that says what to do.
func TestCheckpointRejectsDamage(t *testing.T) {
	m, opt, _ := trainedModel(t, false)
	cases := []struct {
		name   string
		damage func(t *testing.T, dir string)
		says   string
	}{
		{"flipped byte", func(t *testing.T, dir string) { flipByte(t, filepath.Join(dir, ModelFile), 4000) },
			"model.safetensors does not match manifest.json"},
		{"optimizer flipped", func(t *testing.T, dir string) { flipByte(t, filepath.Join(dir, OptimizerFile), 100) },
			"re-copy it or retrain"},
		{"missing config", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, ConfigFile)) },
			"cannot be opened"},
		{"missing manifest", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, ManifestFile)) },
			"manifest.json is missing"},
		{"manifest not json", func(t *testing.T, dir string) { os.WriteFile(filepath.Join(dir, ManifestFile), []byte("{"), 0o644) },
			"not valid JSON"},
		{"newer version", func(t *testing.T, dir string) { editManifest(t, dir, func(m *Manifest) { m.FormatVersion = 2 }) },
			"upgrade tutor"},
		{"other format", func(t *testing.T, dir string) { editManifest(t, dir, func(m *Manifest) { m.Format = "pytorch" }) },
			"not a tutor checkpoint"},
		{"path in manifest", func(t *testing.T, dir string) {
			editManifest(t, dir, func(m *Manifest) { m.Files["../secret"] = FileDigest{} })
		}, "not a file name"},
		{"not safetensors", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, ModelFile), []byte("PK\x03\x04 a zip file, not tensors"), 0o644)
			editManifest(t, dir, nil)
		}, "not a safetensors file"},
		{"shape", func(t *testing.T, dir string) {
			cfg := Tiny()
			cfg.C = 32
			writeJSONFile(t, filepath.Join(dir, ConfigFile), configFile{Config: cfg})
			editManifest(t, dir, nil)
		}, "different models"},
		{"extra tensor", func(t *testing.T, dir string) {
			cfg := Tiny()
			cfg.NumClasses = 0
			writeJSONFile(t, filepath.Join(dir, ConfigFile), configFile{Config: cfg})
			editManifest(t, dir, nil)
		}, `"cls_head.weight", which config.json's model does not have`},
		{"bad config", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, ConfigFile), []byte(`{"vocab_size":8,"max_seq_len":8,"n_layer":1,"n_embd":9,"n_head":2}`), 0o644)
			editManifest(t, dir, nil)
		}, "not a multiple"},
		{"NaN weights", func(t *testing.T, dir string) {
			bad := newTestModel(t, Tiny(), FastOps, 1, 1)
			bad.W.LNFB[3] = float32(math.NaN())
			writeTensorFile(t, filepath.Join(dir, ModelFile), bad)
			editManifest(t, dir, nil)
		}, "diverged"},
		{"foreign tensors", func(t *testing.T, dir string) {
			f, _ := os.Create(filepath.Join(dir, ModelFile))
			safetensors.Write(f, []safetensors.Float32Tensor{{Name: "wte.weight", Shape: []int{1}, Data: []float32{1}}}, map[string]string{"format": "pt"})
			f.Close()
			editManifest(t, dir, nil)
		}, "not written by tutor"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "ckpt")
			if err := m.Save(dir, SaveOptions{Optimizer: opt}); err != nil {
				t.Fatal(err)
			}
			c.damage(t, dir)
			_, err := Load(dir, Options{})
			t.Log(err)
			if err == nil || !strings.Contains(err.Error(), c.says) {
				t.Errorf("error %v, want one saying %q", err, c.says)
			}
		})
	}
	t.Run("interrupted swap", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "ckpt")
		if err := m.Save(dir, SaveOptions{}); err != nil {
			t.Fatal(err)
		}
		os.Rename(dir, dir+".old") // a crash between the two renames
		_, err := Load(dir, Options{})
		if err == nil || !strings.Contains(err.Error(), "rename") {
			t.Errorf("error %v, want advice to rename ckpt.old", err)
		}
	})
}

func flipByte(t *testing.T, path string, at int) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[at%len(data)] ^= 0x40
	os.WriteFile(path, data, 0o644)
}

func writeJSONFile(t *testing.T, path string, v any) {
	data, _ := json.Marshal(v)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeTensorFile(t *testing.T, path string, m *Model) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := m.writeWeights(f); err != nil {
		t.Fatal(err)
	}
}

// editManifest applies edit (if any) and recomputes every file's digest,
// as someone who edits a checkpoint on purpose would.
func editManifest(t *testing.T, dir string, edit func(*Manifest)) {
	t.Helper()
	data, _ := os.ReadFile(filepath.Join(dir, ManifestFile))
	var man Manifest
	if err := json.Unmarshal(data, &man); err != nil {
		t.Fatal(err)
	}
	for name := range man.Files {
		body, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		sum := sha256.Sum256(body)
		man.Files[name] = FileDigest{SHA256: hex.EncodeToString(sum[:]), Bytes: int64(len(body))}
	}
	if edit != nil {
		edit(&man)
	}
	writeJSONFile(t, filepath.Join(dir, ManifestFile), man)
}
