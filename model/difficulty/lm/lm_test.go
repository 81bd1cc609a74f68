package lm

import (
	"math"
	"strings"
	"testing"

	"github.com/tutor-dev/tutor/model/tokenizer"
	"github.com/tutor-dev/tutor/model/train"
)

const tinyModel = "../../../testdata/tiny-model"

// TestSurprisalMatchesFullForward checks the generator-based scores against
// an independent path: a full forward pass over each prefix.
func TestSurprisalMatchesFullForward(t *testing.T) {
	tr, err := train.Open(tinyModel, train.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(tr)
	if err != nil {
		t.Fatal(err)
	}
	text := "The cat sat on the mat."
	got, err := m.Surprisal(text)
	if err != nil {
		t.Fatal(err)
	}
	ids := tr.Tokenizer.Encode(text)
	if len(got) != len(ids) {
		t.Fatalf("%d surprisals for %d tokens", len(got), len(ids))
	}
	ctx := []int32{tokenizer.EndOfText}
	for i, id := range ids {
		logits, err := tr.Model.Logits(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := surprisal(logits, id)
		if math.Abs(got[i]-want) > 1e-3*math.Max(1, want) || got[i] < 0 {
			t.Errorf("token %d: surprisal %.5f, full forward %.5f", i, got[i], want)
		}
		ctx = append(ctx, int32(id))
	}
	again, _ := m.Surprisal(text)
	for i := range got {
		if again[i] != got[i] {
			t.Fatal("a second call gave other numbers: the generator was not reset")
		}
	}
}

func TestSurprisalOfLongTextAndEmptyText(t *testing.T) {
	m, err := Open(tinyModel)
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("The old house on the hill was empty. ", 20) // past the tiny model's 64 positions
	s, err := m.Surprisal(long)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range s {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			t.Fatalf("token %d: surprisal %v", i, v)
		}
	}
	if _, err := m.Surprisal(""); err == nil {
		t.Fatal("an empty text must be an error")
	}
}

func TestNewRefusesFineTunedModels(t *testing.T) {
	tr, err := train.Open(tinyModel, train.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tr.Kind = "finetune"
	if _, err := New(tr); err == nil || !strings.Contains(err.Error(), "pre-trained causal") {
		t.Fatalf("a fine-tuned model was accepted or the error does not say what to use: %v", err)
	}
	if _, err := Open(t.TempDir()); err == nil {
		t.Fatal("a directory without a checkpoint must be an error")
	}
}
