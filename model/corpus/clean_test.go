package corpus

import (
	"fmt"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"  Caf\u0065\u0301 au lait  ", "Café au lait"},                    // NFC composes e + combining acute
		{"one\u00a0two\u2003three\tfour\nfive", "one two three four five"}, // Unicode spaces
		{"in\u00adter\u200bna\ufefftional", "international"},               // soft hyphen, zero-width space, BOM
		{"bell\x07 and \x1b escape", "bell and escape"},
		{"bad \xff byte", "bad \ufffd byte"},
		{"\n\n", ""},
	} {
		if got := Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestJudge(t *testing.T) {
	for _, c := range []struct {
		p    string
		want Verdict
	}{
		{"The cat sat on the mat all day long.", Kept},
		{"“Don’t you even fear God?” he asked them all quietly.", Kept},
		{"He said it was over, and they all went home (at last).", Kept},
		{`She wrote: "We will all be there before it gets dark."`, Kept},
		{"The quick brown fox jumps over the wall…", Kept},
		{"The quick brown fox jumps over it.", TooShort},
		{"This sentence has eight tokens but no end", Unfinished},
		{"Short one.", TooShort},
		{"x = 1; y = 2; z = x + y; print(z); return z;.", FewWords},
		{"Call os.path.join(a, b) with 3 or 4 of 5 args 6 7 8 9.", FewWords},
		{"A broken \ufffd character in an otherwise fine sentence.", Garbled},
	} {
		if got := Judge(c.p); got != c.want {
			t.Errorf("Judge(%q) = %d, want %d", c.p, got, c.want)
		}
	}
}

func TestIsWord(t *testing.T) {
	words := []string{"cat", "(hello,", "don't", "well-known", "e.g.", "“Café”", "naïve", "dogs’", "Hor."}
	others := []string{"1790", "3,000,000", "x_1", "a.b(c)", "--flag", "&", "f(x)=y", "-", "1:1", "$5"}
	for _, w := range words {
		if !isWord(w) {
			t.Errorf("isWord(%q) = false, want true", w)
		}
	}
	for _, w := range others {
		if isWord(w) {
			t.Errorf("isWord(%q) = true, want false", w)
		}
	}
}

func TestSplitLongCutsAtSentenceEnds(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 5000; i++ {
		b.WriteString("Mr. Smith met Dr. Jones and they talked for a while about the weather in town. ")
		b.WriteString(`"Is it raining?" she asked. `)
	}
	p := strings.TrimSpace(b.String())
	pieces := SplitLong(p)
	if len(pieces) < 3 {
		t.Fatalf("a %d-byte paragraph was cut into %d pieces, want at least 3", len(p), len(pieces))
	}
	if strings.Join(pieces, " ") != p {
		t.Fatal("the pieces joined with spaces are not the paragraph")
	}
	for i, piece := range pieces {
		if len(piece) < cutTarget/2 || (i < len(pieces)-1 && len(piece) < cutTarget) {
			t.Errorf("piece %d has %d bytes, under the target of %d", i, len(piece), cutTarget)
		}
		if !endsSentence(piece) {
			t.Errorf("piece %d does not end a sentence: ...%q", i, piece[len(piece)-20:])
		}
		for _, abbr := range []string{"Mr.", "Dr."} {
			if strings.HasSuffix(piece, abbr) {
				t.Errorf("piece %d was cut after the abbreviation %s", i, abbr)
			}
		}
	}
}

func TestSplitLongKeepsShortAndUncuttable(t *testing.T) {
	short := "A short paragraph. It stays whole."
	if got := SplitLong(short); len(got) != 1 || got[0] != short {
		t.Errorf("SplitLong(short) = %q", got)
	}
	long := strings.Repeat("word ", 1000) + "end."
	if got := SplitLong(long); len(got) != 1 {
		t.Errorf("a paragraph without sentence ends was cut into %d pieces", len(got))
	}
}

func TestTextParagraphs(t *testing.T) {
	text := "First line\r\nof one.\r\n\r\n\n  Second   \n\n\nThird\n"
	want := []string{"First line of one.", "Second", "Third"}
	got := textParagraphs(text)
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("textParagraphs = %q, want %q", got, want)
	}
}

func TestIsValidationShare(t *testing.T) {
	val := 0
	const n = 100000
	for i := range n {
		if IsValidation(paragraphHash(fmt.Sprintf("Paragraph number %d.", i)), 10) {
			val++
		}
	}
	// 1% of n, with a generous margin for the hash's spread.
	if val < 700 || val > 1300 {
		t.Errorf("%d of %d paragraphs went to validation at 10‰, want about %d", val, n, n/100)
	}
}
