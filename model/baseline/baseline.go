package baseline

import (
	"context"
	"fmt"
	"slices"

	"github.com/tutor-dev/tutor/model/gecscore"
)

// Edit is a proposed correction, in character offsets into the sentence.
type Edit = gecscore.Edit

// maxPairSites bounds the pairs of rewrites tried on one sentence: n sites
// make n(n-1)/2 pairs.
const maxPairSites = 8

// Check proposes edits for each sentence, as the package comment describes.
// It runs hunspell once and link-parser once for the whole batch.
func Check(sentences []string) ([][]Edit, error) {
	return CheckContext(context.Background(), sentences)
}

// CheckContext is Check that stops the tools when ctx is done.
func CheckContext(ctx context.Context, sentences []string) ([][]Edit, error) {
	if len(sentences) == 0 {
		return [][]Edit{}, nil
	}
	rewritten := make([][]Edit, len(sentences))
	var forms []string
	for i, s := range sentences {
		rewritten[i] = rewrites([]rune(s))
		for _, e := range rewritten[i] {
			forms = append(forms, e.Replacement)
		}
	}
	sp, err := spell(ctx, sentences, forms)
	if err != nil {
		return nil, err
	}
	trials := make([]trial, len(sentences))
	var toParse []string
	for i, s := range sentences {
		// A made-up form ("fixs") must not reach link-grammar, which accepts
		// unknown words as whatever fits.
		known := slices.DeleteFunc(rewritten[i], func(e Edit) bool { return !sp.known[e.Replacement] })
		if trials[i], err = newTrial(s, sp.edits[i], known); err != nil {
			return nil, err
		}
		toParse = append(toParse, trials[i].texts...)
	}
	parses, err := parseAll(ctx, toParse)
	if err != nil {
		return nil, err
	}
	out := make([][]Edit, len(sentences))
	at := 0
	for i, t := range trials {
		n := len(t.texts)
		out[i] = t.choose(parses[at : at+n])
		at += n
	}
	return out, nil
}

// trial is one sentence's sure edits (spelling and a/an), its candidate
// rewrites, and the texts to parse: the sentence with the sure edits first,
// then one per option.
type trial struct {
	sure    []Edit
	options [][]Edit // each a set of one or two rewrites
	texts   []string
}

func newTrial(sentence string, spelling, rewrites []Edit) (trial, error) {
	sure := slices.Clone(spelling)
	sure = append(sure, apart(articleFixes([]rune(sentence)), sure)...)
	sites := apart(rewrites, sure)
	t := trial{sure: sure}
	for i, a := range sites {
		t.options = append(t.options, []Edit{a})
		if len(sites) > maxPairSites {
			continue
		}
		for _, b := range sites[i+1:] {
			if !overlaps(a, b) {
				t.options = append(t.options, []Edit{a, b})
			}
		}
	}
	t.texts = make([]string, 1+len(t.options))
	var err error
	for k := range t.texts {
		edits := sure
		if k > 0 {
			edits = append(slices.Clone(sure), t.options[k-1]...)
		}
		if t.texts[k], err = gecscore.Apply(sentence, edits); err != nil {
			// The edits are built on word spans that do not overlap; this
			// would be a bug here, reported rather than hidden.
			return trial{}, fmt.Errorf("baseline: %q: %v", sentence, err)
		}
	}
	return t, nil
}

// choose keeps the sure edits and, if the sentence with them does not
// parse, the option that makes it parse: fewest rewrites, then lowest cost,
// then first listed (earliest in the sentence).
func (t trial) choose(parses []parse) []Edit {
	edits := append([]Edit{}, t.sure...)
	if parses[0].nulls == 0 {
		return inOrder(edits)
	}
	best := -1
	for k, o := range t.options {
		p := parses[k+1]
		if p.nulls != 0 {
			continue
		}
		if best < 0 || len(o) < len(t.options[best]) ||
			(len(o) == len(t.options[best]) && p.cost < parses[best+1].cost) {
			best = k
		}
	}
	if best >= 0 {
		edits = append(edits, t.options[best]...)
	}
	return inOrder(edits)
}

func inOrder(edits []Edit) []Edit {
	slices.SortFunc(edits, func(a, b Edit) int { return a.Start - b.Start })
	return edits
}

// apart returns the edits that overlap none of taken.
func apart(edits, taken []Edit) []Edit {
	var out []Edit
	for _, e := range edits {
		if !slices.ContainsFunc(taken, func(t Edit) bool { return overlaps(e, t) }) {
			out = append(out, e)
		}
	}
	return out
}

func overlaps(a, b Edit) bool { return a.Start < b.End && b.Start < a.End }
