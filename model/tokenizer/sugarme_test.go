package tokenizer

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	sugarme "github.com/sugarme/tokenizer"
	"github.com/sugarme/tokenizer/pretrained"
)

var (
	sugarmeOnce sync.Once
	sugarmeTok  *sugarme.Tokenizer
	sugarmeErr  error
)

// sugarmeTokenizer is sugarme's tokenizer loaded from the file Save writes
// for the shared test tokenizer.
func sugarmeTokenizer(t testing.TB) *sugarme.Tokenizer {
	t.Helper()
	tok := testTokenizer(t)
	sugarmeOnce.Do(func() {
		path := filepath.Join(t.TempDir(), "tokenizer.json")
		if sugarmeErr = tok.Save(path); sugarmeErr == nil {
			sugarmeTok, sugarmeErr = pretrained.FromFile(path)
		}
	})
	if sugarmeErr != nil {
		t.Fatal(sugarmeErr)
	}
	return sugarmeTok
}

// sugarmeEncode returns sugarme's ids for text.
func sugarmeEncode(t testing.TB, st *sugarme.Tokenizer, text string) []int {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("sugarme panics on %q: %v", text, p)
		}
	}()
	enc, err := st.EncodeSingle(text, false)
	if err != nil {
		t.Fatalf("sugarme cannot encode %q: %v", text, err)
	}
	return enc.Ids
}

// sameIDs compares sugarme's ids with ours and sugarme's decoding with text.
func sameIDs(t *testing.T, st *sugarme.Tokenizer, tok *Tokenizer, text string) bool {
	t.Helper()
	want := sugarmeEncode(t, st, text)
	got := tok.Encode(text)
	if len(want) == 0 && len(got) == 0 {
		return true
	}
	if !slices.Equal(want, got) {
		t.Errorf("ids of %.80q:\n sugarme %v\n ours    %v", text, want, got)
		return false
	}
	if back := st.Decode(want, false); back != text {
		t.Errorf("sugarme Decode(Encode(%.80q)) = %.80q", text, back)
		return false
	}
	return true
}

func TestSugarmeLoadsWhatWeWrite(t *testing.T) {
	tok := testTokenizer(t)
	st := sugarmeTokenizer(t)
	if got := st.GetVocabSize(true); got != tok.VocabSize() {
		t.Errorf("sugarme vocab size %d, ours %d", got, tok.VocabSize())
	}
	for id, name := range specialNames {
		if got, ok := st.TokenToId(name); !ok || got != id {
			t.Errorf("sugarme puts %q at %d (%v), want %d", name, got, ok, id)
		}
	}
	if got := st.Decode([]int{EndOfText, FirstByte + 'a', Pad}, false); got != "<|endoftext|>a<pad>" {
		t.Errorf("sugarme decodes special ids as %q", got)
	}
}

func TestSugarmeRoundTripsAndAgrees(t *testing.T) {
	tok := testTokenizer(t)
	st := sugarmeTokenizer(t)
	for name, text := range roundTripTexts {
		t.Run(name, func(t *testing.T) { sameIDs(t, st, tok, text) })
	}
}

// TestSugarmeAgreesOnCorpus compares every line of the training text, the
// held-out text and the starter content packs.
func TestSugarmeAgreesOnCorpus(t *testing.T) {
	tok := testTokenizer(t)
	st := sugarmeTokenizer(t)
	text := string(testCorpus(t))
	if testing.Short() {
		text = text[:len(text)/8]
	}
	for _, unseen := range heldOutTexts(t) {
		text += unseen
	}
	for _, pack := range []string{"../../data/content/zh-hsk1-3.json", "../../data/content/en-for-zh.json"} {
		b, err := os.ReadFile(pack)
		if err != nil {
			t.Fatal(err)
		}
		b = b[:min(len(b), 200_000)]
		text += string(b[:bytes.LastIndexByte(b, '\n')+1]) // whole lines: sugarme panics on a cut character
	}
	lines, failures := 0, 0
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines++
		if !sameIDs(t, st, tok, sc.Text()+"\n") {
			failures++
		}
		if failures > 5 {
			t.Fatal("too many disagreements")
		}
	}
	t.Logf("%d lines agree", lines)
}

// TestSugarmeAgreesOnRuns aims at the order of equal-rank merges (the same
// pair several times in one word), where sugarme is not leftmost-first:
// random runs of a few characters that merge with themselves.
func TestSugarmeAgreesOnRuns(t *testing.T) {
	tok := testTokenizer(t)
	st := sugarmeTokenizer(t)
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "e", "s", "t", "-", "=", ".", " ", "\n", "0", "1", "的", "é", "'", "ab", "th"}
	for range 2000 {
		var b strings.Builder
		for range 1 + rng.IntN(6) {
			unit := alphabet[rng.IntN(len(alphabet))]
			b.WriteString(strings.Repeat(unit, 1+rng.IntN(12)))
		}
		if !sameIDs(t, st, tok, b.String()) {
			return
		}
	}
}

// TestSugarmeInvalidUTF8 records how sugarme treats bytes that are not
// UTF-8 (package comment), while ours keeps them.
func TestSugarmeInvalidUTF8(t *testing.T) {
	tok := testTokenizer(t)
	st := sugarmeTokenizer(t)
	for _, text := range []string{"ok \xff done", "cut \xe4\n", "\xe4\xbd"} {
		if got := tok.Decode(tok.Encode(text)); got != text {
			t.Errorf("ours: Decode(Encode(%q)) = %q", text, got)
		}
		t.Logf("sugarme on %q: %s", text, sugarmeOutcome(st, text))
	}
}

// sugarmeOutcome describes what sugarme makes of text, panics included.
func sugarmeOutcome(st *sugarme.Tokenizer, text string) (outcome string) {
	defer func() {
		if p := recover(); p != nil {
			outcome = fmt.Sprintf("panics: %v", p)
		}
	}()
	enc, err := st.EncodeSingle(text, false)
	if err != nil {
		return "error: " + err.Error()
	}
	return fmt.Sprintf("ids %v, decoded %q", enc.Ids, st.Decode(enc.Ids, false))
}

// FuzzEncodeRoundTrip: any bytes round-trip through our encoder, every id
// is a non-special token, and on valid UTF-8 sugarme gives the same ids and
// decodes them back.
func FuzzEncodeRoundTrip(f *testing.F) {
	for _, text := range roundTripTexts {
		f.Add(text)
	}
	tok := testTokenizer(f)
	st := sugarmeTokenizer(f)
	f.Fuzz(func(t *testing.T, text string) {
		ids := tok.Encode(text)
		if got := tok.Decode(ids); got != text {
			t.Fatalf("Decode(Encode(%q)) = %q", text, got)
		}
		for _, id := range ids {
			if id < NumSpecial || id >= tok.VocabSize() {
				t.Fatalf("Encode(%q) gave id %d", text, id)
			}
		}
		if !utf8.ValidString(text) { // sugarme panics on it
			return
		}
		sameIDs(t, st, tok, text)
	})
}

// TestSugarmeSpecialTokensInText: with no added tokens in the file,
// sugarme reads special-token text as ordinary text, as Encode does.
func TestSugarmeSpecialTokensInText(t *testing.T) {
	tok := testTokenizer(t)
	st := sugarmeTokenizer(t)
	for _, text := range []string{"a<pad>b", "<mask> x <pad>", "<|endoftext|><cls>q<sep>a"} {
		sameIDs(t, st, tok, text)
	}
}
