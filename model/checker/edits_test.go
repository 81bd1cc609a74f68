package checker

import (
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/tutor-dev/tutor/model/gec"
)

var (
	lexOnce sync.Once
	lex     *gec.Lexicon
	lexErr  error
)

// testLexicon is data/errors, loaded once for the package's tests.
func testLexicon(t testing.TB) *gec.Lexicon {
	t.Helper()
	lexOnce.Do(func() { lex, lexErr = gec.LoadLexicon(os.DirFS("../../data/errors")) })
	if lexErr != nil {
		t.Fatal(lexErr)
	}
	return lex
}

// passes applies hand-made passes of tags to text, as the checker applies
// the model's, and returns the edits on text. Each pass is one tag per
// word of the draft (gec.Start first), separated by spaces; every tag has
// probability 0.9, except that a pass may say "p=0.6" first.
func passes(t *testing.T, text string, tagLines ...string) []span {
	t.Helper()
	tg := gec.NewTagger(testLexicon(t))
	doc := newDocument(text)
	d := newDraft(doc, 0, len(doc.toks))
	for n, line := range tagLines {
		p := 0.9
		if rest, ok := strings.CutPrefix(line, "p=0.6 "); ok {
			p, line = 0.6, rest
		}
		tags := strings.Fields(line)
		if words := d.words(); len(words) != len(tags) {
			t.Fatalf("pass %d: %d tags for the %d words %q", n+1, len(tags), len(words), words)
		}
		var ds []decision
		for _, tag := range tags {
			ds = append(ds, decision{tag: tag, p: p})
		}
		d.apply(tg, d.pairMoves(ds))
	}
	doc.take(d)
	return doc.edits()
}

// corrected applies spans to text, as Result.Corrected is made.
func corrected(t *testing.T, text string, spans []span) string {
	t.Helper()
	var edits []gec.Edit
	for _, s := range spans {
		edits = append(edits, gec.Edit{Start: s.start, End: s.end, Replacement: s.repl, Type: s.typ})
	}
	out, err := gec.Apply(text, edits)
	if err != nil {
		t.Fatalf("the edits %+v do not apply to %q: %v", spans, text, err)
	}
	return out
}

func TestEditsFromPasses(t *testing.T) {
	cases := []struct {
		name, text string
		passes     []string
		want       []span // chunk and conf are not compared
		corrected  string
	}{
		{"append, after a character of two bytes", "José goes school.",
			[]string{"KEEP KEEP APPEND_to|preposition KEEP KEEP"},
			[]span{{start: 10, end: 10, repl: "to ", typ: "preposition"}}, "José goes to school."},
		{"append a mark at the end", "I like it",
			[]string{"KEEP KEEP KEEP APPEND_.|punctuation"},
			[]span{{start: 9, end: 9, repl: ".", typ: "punctuation"}}, "I like it."},
		{"append at the start", "Bad little boy.",
			[]string{"APPEND_A|article CASE_LOWER|article KEEP KEEP KEEP"},
			[]span{{start: 0, end: 3, repl: "A bad", typ: "article"}}, "A bad little boy."},
		{"two words added at the start", "We left early.",
			[]string{"APPEND_So|word_choice KEEP KEEP KEEP KEEP", "KEEP APPEND_,|punctuation KEEP KEEP KEEP KEEP"},
			[]span{{start: 0, end: 0, repl: "So, ", typ: "word_choice"}}, "So, We left early."},
		{"delete at the start", "The football is fun.",
			[]string{"KEEP DELETE|article CASE_UPPER|article KEEP KEEP KEEP"},
			[]span{{start: 0, end: 12, repl: "Football", typ: "article"}}, "Football is fun."},
		{"delete inside, with the space before it", "We discussed about the plan.",
			[]string{"KEEP KEEP KEEP DELETE|preposition KEEP KEEP KEEP"},
			[]span{{start: 12, end: 18, repl: "", typ: "preposition"}}, "We discussed the plan."},
		{"delete a comma without joining words", "However, we left.",
			[]string{"KEEP KEEP DELETE|punctuation KEEP KEEP KEEP"},
			[]span{{start: 7, end: 8, repl: "", typ: "punctuation"}}, "However we left."},
		{"replace", "I ate a apple.",
			[]string{"KEEP KEEP KEEP REPLACE_an|article KEEP KEEP"},
			[]span{{start: 6, end: 7, repl: "an", typ: "article"}}, "I ate an apple."},
		{"two changes apart stay two edits", "i go home.",
			[]string{"KEEP CASE_UPPER|capitalization VERB_VBD|tense KEEP KEEP"},
			[]span{{start: 0, end: 1, repl: "I", typ: "capitalization"}, {start: 2, end: 4, repl: "went", typ: "tense"}}, "I went home."},
		{"two passes on one word", "My freind are kind.",
			[]string{"KEEP KEEP SPELL|spelling KEEP KEEP KEEP", "KEEP KEEP NOUN_PL|noun_number KEEP KEEP KEEP"},
			[]span{{start: 3, end: 9, repl: "friends", typ: "spelling"}}, "My friends are kind."},
		{"a word and the word after it", "Please close the TV.",
			[]string{"KEEP KEEP REPLACE_turn|word_choice KEEP KEEP KEEP", "KEEP KEEP APPEND_off|word_choice KEEP KEEP KEEP"},
			[]span{{start: 7, end: 12, repl: "turn off", typ: "word_choice"}}, "Please turn off the TV."},
		{"a moved word is one edit", "I very like it.",
			[]string{"KEEP KEEP DELETE|word_order KEEP APPEND_very|word_order KEEP", "KEEP KEEP KEEP KEEP APPEND_much|word_order KEEP"},
			[]span{{start: 2, end: 14, repl: "like it very much", typ: "word_order"}}, "I like it very much."},
		{"half a move is no edit: a word-order deletion alone", "Our teacher always says so.",
			[]string{"KEEP KEEP KEEP DELETE|word_order KEEP KEEP KEEP"},
			nil, "Our teacher always says so."},
		{"half a move is no edit: a word-order addition alone", "We often go there.",
			[]string{"KEEP KEEP KEEP APPEND_often|word_order KEEP KEEP"},
			nil, "We often go there."},
		{"a question put in order", "Where the station is?",
			[]string{"KEEP APPEND_is|word_order KEEP KEEP DELETE|word_order KEEP"},
			[]span{{start: 6, end: 20, repl: "is the station", typ: "word_order"}}, "Where is the station?"},
		{"a full-width comma gets its space", "I was tired，so I slept.",
			[]string{"KEEP KEEP KEEP KEEP REPLACE_,|punctuation KEEP KEEP KEEP KEEP"},
			[]span{{start: 11, end: 12, repl: ", ", typ: "punctuation"}}, "I was tired, so I slept."},
		{"a tag that does not apply is KEEP", "I saw the cat.",
			[]string{"KEEP KEEP KEEP VERB_VBZ|agreement KEEP KEEP"},
			nil, "I saw the cat."},
		{"a change undone in the next pass is no edit", "She is here.",
			[]string{"KEEP KEEP REPLACE_was|tense KEEP KEEP", "KEEP KEEP REPLACE_is|tense KEEP KEEP"},
			nil, "She is here."},
		{"an added word deleted again is no edit", "We go home.",
			[]string{"KEEP KEEP APPEND_to|preposition KEEP KEEP", "KEEP KEEP KEEP DELETE|preposition KEEP KEEP"},
			nil, "We go home."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := passes(t, c.text, c.passes...)
			var bare []span
			for _, s := range got {
				bare = append(bare, span{start: s.start, end: s.end, repl: s.repl, typ: s.typ})
			}
			if !reflect.DeepEqual(bare, c.want) {
				t.Errorf("edits %+v, want %+v", bare, c.want)
			}
			if out := corrected(t, c.text, got); out != c.corrected {
				t.Errorf("corrected %q, want %q", out, c.corrected)
			}
		})
	}
}

// TestConfidenceIsTheLeastOfItsTags checks that an edit made by two tags
// reports the less sure one.
func TestConfidenceIsTheLeastOfItsTags(t *testing.T) {
	got := passes(t, "My freind are kind.", "KEEP KEEP SPELL|spelling KEEP KEEP KEEP", "p=0.6 KEEP KEEP NOUN_PL|noun_number KEEP KEEP KEEP")
	if len(got) != 1 || got[0].conf != 0.6 {
		t.Fatalf("edits %+v; want one with confidence 0.6", got)
	}
}

// TestSentencesAreChunks checks that a text is read sentence by sentence
// and that each sentence's start takes the words added before it.
func TestSentencesAreChunks(t *testing.T) {
	doc := newDocument("He left. bad boy。Then we ate! Fine. It is 3.5 m.")
	c := &Checker{seqLen: 64, start: 2}
	var got []string
	for _, ch := range c.chunksBy(doc, func(string) int { return 1 }) {
		var words []string
		for _, tk := range doc.toks[ch[0]:ch[1]] {
			words = append(words, tk.text)
		}
		got = append(got, strings.Join(words, " "))
	}
	want := []string{"He left . bad boy 。", "Then we ate !", "Fine .", "It is 3.5 m ."}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("chunks %q, want %q", got, want)
	}
	long := newDocument(strings.Repeat("word ", 100))
	for _, ch := range c.chunksBy(long, func(string) int { return 1 }) {
		if n := ch[1] - ch[0]; n > c.seqLen-1-c.start {
			t.Errorf("a chunk of %d words does not fit a model of %d tokens", n, c.seqLen)
		}
	}
}
