package baseline

import (
	"strings"
	"testing"
)

func TestVerbForms(t *testing.T) {
	for base, third := range map[string]string{
		"go": "goes", "watch": "watches", "wash": "washes", "fix": "fixes",
		"study": "studies", "play": "plays", "like": "likes",
	} {
		if got := thirdPersonForm(base); got != third {
			t.Errorf("thirdPersonForm(%q) = %q, want %q", base, got, third)
		}
		if got := baseForm(third); got != base {
			t.Errorf("baseForm(%q) = %q, want %q", third, got, base)
		}
	}
	if thirdPersonForm("miss") != "" || baseForm("miss") != "" || baseForm("go") != "" {
		t.Error("a form was made from a word that does not take it")
	}
}

func TestVowelSound(t *testing.T) {
	for w, want := range map[string]bool{
		"apple": true, "English": true, "hour": true, "honest": true,
		"university": false, "useful": false, "European": false, "one": false,
		"book": false, "house": false,
	} {
		if vowelSound(w) != want {
			t.Errorf("vowelSound(%q) != %v", w, want)
		}
	}
}

func TestRewritesListsCandidates(t *testing.T) {
	got := rewrites([]rune("They is sure she always go there, but I goes too."))
	var list []string
	for _, e := range got {
		list = append(list, e.Replacement)
	}
	if want := "are goes go"; strings.Join(list, " ") != want {
		t.Errorf("candidates %v, want %v", list, want)
	}
}

func TestParserLine(t *testing.T) {
	for in, want := range map[string]string{
		"!help me":                "help me",
		"I was tired，so I slept。": "I was tired, so I slept.",
		"two\tspaces  here\n":     "two spaces here",
	} {
		if got := parserLine(in); got != want {
			t.Errorf("parserLine(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReadParses(t *testing.T) {
	out := strings.Join([]string{
		"verbosity set to 1",
		"He go.",
		"No complete linkages found.",
		"Found 2 linkages (2 had no P.P. violations) at null count 1",
		"\tLinkage 1, cost vector = (UNUSED=1 DIS= 0.00 LEN=3)",
		"He goes.",
		"Found 1 linkage (1 had no P.P. violations)",
		"\tLinkage 1, cost vector = (UNUSED=0 DIS= 1.50 LEN=3)",
		"Bye.",
	}, "\n")
	got, err := readParses(out, []string{"He go.", "", "He goes."})
	if err != nil {
		t.Fatal(err)
	}
	want := []parse{{nulls: 1}, {}, {nulls: 0, cost: 1.5}}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("sentence %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	// A sentence echoed without a verdict before the next one is an error,
	// not a silent shift of every later result.
	broken := "He go.\nHe goes.\nFound 1 linkage (1 had no P.P. violations)\n"
	if _, err := readParses(broken, []string{"He go.", "He goes."}); err == nil {
		t.Error("a missing verdict was not noticed")
	}
}

func TestReadHunspell(t *testing.T) {
	out := "@(#) International Ispell Version 3.2.06 (but really Hunspell 1.7.1)\n" +
		"*\n& libary 2 13: library, biliary\n\n" + // "He goes to libary."
		"\n" + // an empty line
		"# xyzzyq 1\n\n"
	got, err := readHunspell(out, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(got[0]) != 1 || got[0][0] != (miss{word: "libary", offset: 12, suggestion: "library"}) {
		t.Errorf("line 1: %+v", got[0])
	}
	if len(got[1]) != 0 || len(got[2]) != 1 || got[2][0].suggestion != "" {
		t.Errorf("lines 2, 3: %+v %+v", got[1], got[2])
	}
	if _, err := readHunspell(out, 4); err == nil {
		t.Error("a missing answer was not noticed")
	}
	if _, err := readHunspell("Segmentation fault\n", 1); err == nil {
		t.Error("output without the banner was accepted")
	}
}
