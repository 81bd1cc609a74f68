package gec

import (
	"reflect"
	"strings"
	"testing"
)

// applyPasses runs every pass's tags on the first pass's words, checking
// that each pass starts from the words the one before left.
func applyPasses(t *testing.T, tg *Tagger, passes []Tagged) []string {
	t.Helper()
	words := passes[0].Words()
	for i, p := range passes {
		if strings.Join(words, " ") != p.Text {
			t.Fatalf("pass %d reads %q, but the pass before left %q", i, p.Text, strings.Join(words, " "))
		}
		if len(p.Tags) != len(p.Words()) {
			t.Fatalf("pass %d: %d tags for %d words", i, len(p.Tags), len(p.Words()))
		}
		var err error
		if words, err = tg.ApplyTags(words, p.Tags); err != nil {
			t.Fatal(err)
		}
	}
	return words
}

func TestToTaggingExamples(t *testing.T) {
	g := testGenerator(t)
	tg := NewTagger(g.Lexicon())
	tests := []struct {
		corrupted, correct string
		typ                string
		want               [][]string
	}{
		{"She go to school.", "She goes to school.", Agreement,
			[][]string{{"KEEP", "KEEP", "VERB_VBZ|agreement", "KEEP", "KEEP", "KEEP"}}},
		{"I ate a apple.", "I ate an apple.", Article,
			[][]string{{"KEEP", "KEEP", "KEEP", "REPLACE_an|article", "KEEP", "KEEP"}}},
		{"Bad little boy.", "A bad little boy.", Article,
			[][]string{{"APPEND_A|article", "CASE_LOWER|article", "KEEP", "KEEP", "KEEP"}}},
		{"I have three book.", "I have three books.", NounNumber,
			[][]string{{"KEEP", "KEEP", "KEEP", "KEEP", "NOUN_PL|noun_number", "KEEP"}}},
		{"He has went home.", "He has gone home.", VerbForm,
			[][]string{{"KEEP", "KEEP", "KEEP", "VERB_VBN|verb_form", "KEEP", "KEEP"}}},
		{"I walk always to school.", "I always walk to school.", WordOrder,
			[][]string{{"KEEP", "APPEND_always|word_order", "KEEP", "DELETE|word_order", "KEEP", "KEEP", "KEEP"}}},
		{"I live here since 2010.", "I have lived here since 2010.", Tense,
			[][]string{{"KEEP", "APPEND_have|tense", "VERB_VBN|tense", "KEEP", "KEEP", "KEEP", "KEEP"}}},
		{"I like tea，she likes coffee。", "I like tea, she likes coffee.", Punctuation,
			[][]string{{"KEEP", "KEEP", "KEEP", "KEEP", "REPLACE_,|punctuation", "KEEP", "KEEP", "KEEP", "REPLACE_.|punctuation"}}},
		{"I very like it.", "I like it very much.", WordOrder,
			// "it" needs two words after it: the second comes in a second pass.
			[][]string{
				{"KEEP", "KEEP", "DELETE|word_order", "KEEP", "APPEND_very|word_order", "KEEP"},
				{"KEEP", "KEEP", "KEEP", "KEEP", "APPEND_much|word_order", "KEEP"},
			}},
		{"We dicussed the plan.", "We discussed the plan.", Spelling,
			[][]string{{"KEEP", "KEEP", "SPELL|spelling", "KEEP", "KEEP", "KEEP"}}},
	}
	for _, tt := range tests {
		ex := exampleOf(t, tt.corrupted, tt.correct, tt.typ)
		passes, err := tg.ToTagging(ex)
		if err != nil {
			t.Fatalf("%q: %v", tt.corrupted, err)
		}
		var got [][]string
		for _, p := range passes {
			got = append(got, p.Tags)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q:\n got %q\nwant %q", tt.corrupted, got, tt.want)
		}
		if words := applyPasses(t, tg, passes); strings.Join(words[1:], " ") != strings.Join(texts(Tokenize(tt.correct)), " ") {
			t.Errorf("%q: the tags give %q", tt.corrupted, words)
		}
	}
}

// exampleOf makes an example with one edit covering the differing middle
// of two texts, widened to whole words as the generator's edits are.
func exampleOf(t *testing.T, corrupted, correct, typ string) Example {
	t.Helper()
	a, b := []rune(corrupted), []rune(correct)
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	for pre > 0 && isWordRune(a[pre-1]) {
		pre--
	}
	for suf > 0 && isWordRune(a[len(a)-suf]) {
		suf--
	}
	ex := Example{Corrupted: corrupted, Correct: correct, Edits: []Edit{{Start: pre, End: len(a) - suf, Replacement: string(b[pre : len(b)-suf]), Type: typ}}}
	if err := ex.Check(); err != nil {
		t.Fatal(err)
	}
	return ex
}

// TestTagsGiveTheSentence: for thousands of generated examples the tags,
// pass after pass, turn the learner's words into the correct words; every
// tag but KEEP names a type the example's edits have.
func TestTagsGiveTheSentence(t *testing.T) {
	g := testGenerator(t)
	tg := NewTagger(g.Lexicon())
	exs := g.GenerateDataset(courseSentences(t), 4000, 5, allTypes())
	skipped := 0
	for _, ex := range exs {
		passes, err := tg.ToTagging(ex)
		if err != nil {
			skipped++
			continue
		}
		want := append([]string{Start}, texts(Tokenize(ex.Correct))...)
		if got := applyPasses(t, tg, passes); !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: tags %v give %q, want %q", ex.Corrupted, passes, got, want)
		}
		types := map[string]bool{}
		for _, e := range ex.Edits {
			types[e.Type] = true
		}
		for _, p := range passes {
			for _, tag := range p.Tags {
				if op, typ := ParseTag(tag); op != Keep && !types[typ] {
					t.Errorf("%q: tag %s, but the edits are %v", ex.Corrupted, tag, ex.Edits)
				}
			}
		}
	}
	if skipped > len(exs)/200 {
		t.Errorf("%d of %d examples have no tags", skipped, len(exs))
	}
}

func TestToTaggingCleanAndRefused(t *testing.T) {
	tg := NewTagger(testLexicon(t))
	passes, err := tg.ToTagging(Example{Corrupted: "All is well.", Correct: "All is well."})
	if err != nil || len(passes) != 1 || passes[0].Text != "$START All is well ." || strings.Join(passes[0].Tags, " ") != "KEEP KEEP KEEP KEEP KEEP" {
		t.Errorf("clean example: %+v, %v", passes, err)
	}
	// "zebra" is no function word and no form of "horse".
	ex := exampleOf(t, "I rode a horse.", "I rode a zebra.", WordChoice)
	if _, err := tg.ToTagging(ex); err == nil || !strings.Contains(err.Error(), "zebra") {
		t.Errorf("an open-vocabulary replacement was tagged: %v", err)
	}
}

func TestApplyTagsRefuses(t *testing.T) {
	tg := NewTagger(testLexicon(t))
	for _, tc := range []struct{ words, tags []string }{
		{[]string{Start, "go"}, []string{"KEEP"}},
		{[]string{Start, "go"}, []string{"DELETE|extra_word", "KEEP"}},
		{[]string{Start, "table"}, []string{"KEEP", "VERB_VBD|verb_form"}},
		{[]string{Start, "go"}, []string{"KEEP", "VERB_XX|verb_form"}},
		{[]string{Start, "go"}, []string{"KEEP", "FROB|spelling"}},
	} {
		if out, err := tg.ApplyTags(tc.words, tc.tags); err == nil {
			t.Errorf("%v %v gave %v", tc.words, tc.tags, out)
		}
	}
}

func TestTagVocabulary(t *testing.T) {
	v := TagVocabulary(testLexicon(t))
	for _, w := range []string{"the", "an", "to", "in", ".", "，"[:0] + ",", "doesn't", "he's", "always", "yesterday", "turned", "spent"} {
		if !v[w] {
			t.Errorf("%q is not in the tag vocabulary", w)
		}
	}
	if v["zebra"] || len(v) > 600 {
		t.Errorf("the vocabulary is open: %d words", len(v))
	}
}
