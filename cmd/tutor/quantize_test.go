package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestQuantizeCommand quantizes the tiny tagger's run directory and uses
// the int8 directory as the other commands' --model: tutor check marks
// the error the float model marks, and tutor eval gec scores it.
func TestQuantizeCommand(t *testing.T) {
	run0 := tinyTagger(t)
	qdir := filepath.Join(t.TempDir(), "int8")
	out, err := withStreams(t, "", func() error {
		return run([]string{"quantize", "--model", run0, "--out", qdir, "--group", "32", "--json"})
	})
	if err != nil {
		t.Fatal(err)
	}
	var sum struct {
		GroupSize  int   `json:"group_size"`
		Int8Params int   `json:"int8_params"`
		FloatBytes int64 `json:"float_bytes"`
		Int8Bytes  int64 `json:"int8_bytes"`
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if sum.GroupSize != 32 || sum.Int8Params == 0 || sum.Int8Bytes >= sum.FloatBytes {
		t.Errorf("summary %s", out)
	}
	for _, f := range []string{"model.safetensors", "config.json", "manifest.json", "tokenizer.json"} {
		if _, err := os.Stat(filepath.Join(qdir, f)); err != nil {
			t.Errorf("the int8 directory lacks %s", f)
		}
	}
	out, err = withStreams(t, "She go home now.\n", func() error {
		return run(append([]string{"check", "--model", qdir}, dataFlags...))
	})
	if err != nil || !strings.Contains(out, `"corrected":"She goes home now."`) {
		t.Errorf("tutor check with the int8 model: %v\n%s", err, out)
	}
	gold := filepath.Join(t.TempDir(), "gold.jsonl")
	os.WriteFile(gold, []byte(`{"id": "a", "text": "She go home now.", "corrected": "She goes home now.", "edits": [{"start": 4, "end": 6, "replacement": "goes", "type": "agreement"}]}
`), 0o644)
	out, err = withStreams(t, "", func() error {
		return run(append([]string{"eval", "gec", "--model", qdir, "--data", gold, "--json"}, dataFlags...))
	})
	if err != nil || !strings.Contains(out, `"tp": 1`) {
		t.Errorf("tutor eval gec with the int8 model: %v\n%s", err, out)
	}
	out, err = withStreams(t, "", func() error {
		return run([]string{"quantize", "--model", run0, "--out", qdir, "--activations", "int8"})
	})
	if err != nil || !strings.Contains(out, "activations int8") || !strings.Contains(out, "MB int8") {
		t.Errorf("quantizing again with int8 activations: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"quantize", "--model", run0}, "--out"},
		{[]string{"quantize", "--model", run0, "--out", filepath.Join(t.TempDir(), "x"), "--group", "48"}, "group size 48 does not divide"},
		{[]string{"quantize", "--model", qdir, "--out", filepath.Join(t.TempDir(), "x")}, "already an int8 model"},
	} {
		if err := run(tc.args); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("tutor %s: %v, want an error containing %q", strings.Join(tc.args, " "), err, tc.want)
		}
	}
}
