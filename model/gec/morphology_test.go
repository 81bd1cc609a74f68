package gec

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

func TestInflect(t *testing.T) {
	lx := testLexicon(t)
	tests := []struct{ lemma, form, want string }{
		{"go", VBZ, "goes"}, {"go", VBD, "went"}, {"go", VBN, "gone"}, {"go", VBG, "going"},
		{"watch", VBZ, "watches"}, {"try", VBZ, "tries"}, {"try", VBD, "tried"}, {"play", VBD, "played"},
		{"stop", VBD, "stopped"}, {"admit", VBG, "admitting"}, {"visit", VBD, "visited"}, {"hope", VBD, "hoped"},
		{"make", VBG, "making"}, {"lie", VBG, "lying"}, {"see", VBG, "seeing"}, {"be", VBZ, "is"},
		{"have", VBZ, "has"}, {"have", VBD, "had"}, {"eat", VBN, "eaten"}, {"teach", VBD, "taught"},
	}
	for _, tt := range tests {
		if got := lx.Inflect(tt.lemma, tt.form); got != tt.want {
			t.Errorf("Inflect(%s, %s) = %q, want %q", tt.lemma, tt.form, got, tt.want)
		}
	}
}

func TestVerbReadings(t *testing.T) {
	lx := testLexicon(t)
	has := func(word, lemma, form string) bool {
		for _, r := range lx.VerbReadings(word) {
			if r.Lemma == lemma && r.Form == form {
				return true
			}
		}
		return false
	}
	for _, c := range [][3]string{{"went", "go", VBD}, {"gone", "go", VBN}, {"goes", "go", VBZ}, {"studied", "study", VBD},
		{"stopping", "stop", VBG}, {"read", "read", VBD}, {"dreamt", "dream", VBD}, {"was", "be", VBD}} {
		if !has(c[0], c[1], c[2]) {
			t.Errorf("%q is not read as %s of %s: %v", c[0], c[2], c[1], lx.VerbReadings(c[0]))
		}
	}
	if rs := lx.VerbReadings("goed"); len(rs) != 0 {
		t.Errorf("goed is read as a real form: %v", rs)
	}
	if ls := lx.VerbLemmas("goed"); len(ls) == 0 || ls[0] != "go" {
		t.Errorf("VerbLemmas(goed) = %v, want go", ls)
	}
}

func TestNouns(t *testing.T) {
	lx := testLexicon(t)
	for sing, pl := range map[string]string{"book": "books", "box": "boxes", "city": "cities", "child": "children", "man": "men", "foot": "feet", "person": "people"} {
		if got := lx.Plural(sing); got != pl {
			t.Errorf("Plural(%s) = %q", sing, got)
		}
		if got, ok := lx.Singular(pl); !ok || got != sing {
			t.Errorf("Singular(%s) = %q, %v", pl, got, ok)
		}
	}
	for _, w := range []string{"news", "bus", "this", "is", "information", "as"} {
		if s, ok := lx.Singular(w); ok {
			t.Errorf("Singular(%q) = %q; it is no plural", w, s)
		}
	}
	if b, sup, ok := lx.Comparative("bigger"); !ok || sup || b != "big" {
		t.Errorf("Comparative(bigger) = %q %v %v", b, sup, ok)
	}
	if b, sup, ok := lx.Comparative("best"); !ok || !sup || b != "good" {
		t.Errorf("Comparative(best) = %q %v %v", b, sup, ok)
	}
}

func TestSpell(t *testing.T) {
	lx := testLexicon(t)
	for wrong, right := range map[string]string{"becuase": "because", "recieve": "receive", "freind": "friend", "teh": "the", "Whcih": "Which", "schoool": "school"} {
		if got, ok := lx.Spell(wrong); !ok || got != right {
			t.Errorf("Spell(%q) = %q, %v; want %q", wrong, got, ok, right)
		}
	}
	if got, ok := lx.Spell("school"); ok {
		t.Errorf("a correct word was corrected to %q", got)
	}
}

func TestLoadLexiconErrors(t *testing.T) {
	full := fstest.MapFS{}
	for _, name := range LexiconFiles {
		data, err := os.ReadFile(dataDir + "/errors/" + name)
		if err != nil {
			t.Fatal(err)
		}
		full[name] = &fstest.MapFile{Data: data}
	}
	missing := fstest.MapFS{}
	for k, v := range full {
		if k != "verbs.tsv" {
			missing[k] = v
		}
	}
	if _, err := LoadLexicon(missing); err == nil || !strings.Contains(err.Error(), "verbs.tsv") {
		t.Errorf("missing table: %v", err)
	}
	broken := fstest.MapFS{}
	for k, v := range full {
		broken[k] = v
	}
	broken["words.tsv"] = &fstest.MapFile{Data: []byte("good\t1\t0\t0\t0\nbad\tx\t0\t0\t0\n")}
	if _, err := LoadLexicon(broken); err == nil || !strings.Contains(err.Error(), "words.tsv:2") {
		t.Errorf("bad count: %v", err)
	}
}
