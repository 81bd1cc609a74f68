package quant

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/tutor-dev/tutor/model"
	"github.com/tutor-dev/tutor/model/tokenizer"
	"github.com/tutor-dev/tutor/model/train"
)

// prompts are the beginnings the tiny model continues in the parity tests.
var prompts = []string{"Emma", "Mr. Knightley was", "She could not", "It was a very"}

// both is a float model and its int8 copies, opened like runs.
type both struct {
	float *train.Trained
	int8  map[string]*train.Trained // by activations
}

func openBoth(t *testing.T, src string, group int) both {
	t.Helper()
	f, err := train.Open(src, train.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b := both{float: f, int8: map[string]*train.Trained{}}
	for _, acts := range []string{ActivationsFloat32, ActivationsInt8} {
		q, _, err := Open(quantizeTiny(t, src, Options{GroupSize: group, Activations: acts}), train.OpenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		b.int8[acts] = q
	}
	return b
}

func encode(tr *train.Trained, text string) []int32 {
	ids := []int32{tokenizer.EndOfText}
	for _, id := range tr.Tokenizer.Encode(text) {
		ids = append(ids, int32(id))
	}
	return ids
}

// TestTinyLogitsStayClose compares the next-token logits of the tiny
// language model with those of its int8 copies, in both ways of
// computing, through the tied embedding that is itself int8.
func TestTinyLogitsStayClose(t *testing.T) {
	b := openBoth(t, tinyModel, 32)
	if got := b.int8[ActivationsInt8].Model.Ops.Name; got != model.FastOps.Name+"+int8" {
		t.Fatalf("the int8-activation model computes with %q", got)
	}
	for _, p := range prompts {
		ids := encode(b.float, p)
		lf, err := b.float.Model.Logits(ids)
		if err != nil {
			t.Fatal(err)
		}
		want := slices.Clone(lf)
		spread := slices.Max(want) - slices.Min(want)
		for acts, q := range b.int8 {
			lq, err := q.Model.Logits(ids)
			if err != nil {
				t.Fatal(err)
			}
			worst := 0.0
			for i := range want {
				worst = math.Max(worst, math.Abs(float64(lq[i]-want[i])))
			}
			// The weights carry a relative error of about 0.5% (rounding
			// to 1/127 of each group's largest weight), and int8 inputs
			// as much again; measured, the logits move by at most 0.55%
			// of their spread. 2% leaves room for other machines' float
			// rounding and still catches a wrong scale, group or tensor,
			// which moves logits by a good part of their spread.
			if worst > 0.02*float64(spread) {
				t.Errorf("%q, activations %s: logits differ by up to %.4f, %.1f%% of their spread %.2f", p, acts, worst, 100*worst/float64(spread), spread)
			}
			t.Logf("%q, activations %s: largest difference %.4f (%.2f%% of the spread)", p, acts, worst, 100*worst/float64(spread))
		}
	}
}

// TestTinyGreedyDecodeMatches continues each prompt greedily with the
// float and the int8 models: the texts are the same.
func TestTinyGreedyDecodeMatches(t *testing.T) {
	b := openBoth(t, tinyModel, 32)
	for _, p := range prompts {
		want, err := b.float.Generate(p, train.GenerateOptions{MaxTokens: 24}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for acts, q := range b.int8 {
			got, err := q.Generate(p, train.GenerateOptions{MaxTokens: 24}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("%q, activations %s: int8 continues %q, float %q", p, acts, got, want)
			}
		}
	}
}

// TestTinyTagsMatch tags the tiny tagger's validation sentences with the
// float and the int8 models: every word gets the same tag.
func TestTinyTagsMatch(t *testing.T) {
	b := openBoth(t, tinyTagger(t), 32)
	f, err := os.Open("../../testdata/tiny-tag-val.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		var ex struct{ Text string }
		if err := json.Unmarshal(sc.Bytes(), &ex); err != nil {
			t.Fatal(err)
		}
		ids, firsts := train.EncodeWords(b.float.Tokenizer, strings.Fields(ex.Text))
		want := wordTags(t, b.float, ids, firsts)
		for acts, q := range b.int8 {
			if got := wordTags(t, q, ids, firsts); !slices.Equal(got, want) {
				t.Errorf("%q, activations %s: tags %v, float %v", ex.Text, acts, got, want)
			}
		}
		n++
	}
	if n < 10 {
		t.Fatalf("only %d sentences tagged", n)
	}
}

// wordTags is the most likely tag of each word, read at its first token
// as training taught it.
func wordTags(t *testing.T, tr *train.Trained, ids []int32, firsts []int) []string {
	t.Helper()
	logits, err := tr.Model.TagLogits(ids)
	if err != nil {
		t.Fatal(err)
	}
	K := tr.Model.Config.NumTags
	var tags []string
	for _, i := range firsts {
		tags = append(tags, tr.Labels[model.Greedy(logits[i*K:(i+1)*K])])
	}
	return tags
}
