package tokenizer

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
)

// licenceDir holds the licence texts every Debian system ships: some 260 KB
// of English prose, read (never committed) as training and test text.
const licenceDir = "/usr/share/common-licenses"

// emojiText mixes emoji (with skin tones, flags and ZWJ sequences) with
// English and Chinese.
const emojiText = "Great job! 🎉🎉 You got 9/10 👍🏽 — keep going 💪. 加油！🇨🇳🇬🇧 👩‍👩‍👧 ❤️ 😀😃😄"

var (
	corpusOnce sync.Once
	corpusText []byte
	corpusErr  error
)

// heldOut are licences the test tokenizer does not train on: with
// testdata/zh-heldout.txt, text it has not seen, for the benchmarks.
var heldOut = map[string]bool{"Apache-2.0": true, "MPL-2.0": true}

// heldOutTexts is the unseen English and Chinese text.
func heldOutTexts(t testing.TB) map[string]string {
	t.Helper()
	testCorpus(t) // skips without the licences
	var en bytes.Buffer
	for _, name := range []string{"Apache-2.0", "MPL-2.0"} {
		b, err := os.ReadFile(filepath.Join(licenceDir, name))
		if err != nil {
			t.Skipf("no held-out text: %v", err)
		}
		en.Write(b)
	}
	return map[string]string{"en": en.String(), "zh": string(readTestFile(t, "zh-heldout.txt"))}
}

// testCorpus is the text the tests train on: the licences (but those held
// out), the Chinese sample in testdata, and emoji. It skips the test when
// the licences are not on this system.
func testCorpus(t testing.TB) []byte {
	t.Helper()
	corpusOnce.Do(func() {
		var buf bytes.Buffer
		names, err := filepath.Glob(filepath.Join(licenceDir, "*"))
		if err != nil || len(names) == 0 {
			corpusErr = os.ErrNotExist
			return
		}
		sort.Strings(names)
		for _, name := range names {
			if info, err := os.Stat(name); err != nil || !info.Mode().IsRegular() || heldOut[filepath.Base(name)] {
				continue
			}
			text, err := os.ReadFile(name)
			if err != nil {
				corpusErr = err
				return
			}
			buf.Write(text)
		}
		zh, err := os.ReadFile("testdata/zh.txt")
		if err != nil {
			corpusErr = err
			return
		}
		for range 20 { // enough repeats that Chinese pairs pass MinCount
			buf.Write(zh)
		}
		for range 5 {
			buf.WriteString(emojiText + "\n")
		}
		corpusText = buf.Bytes()
	})
	if corpusErr != nil {
		t.Skipf("no test text: %v (the tests read the licence texts in %s)", corpusErr, licenceDir)
	}
	return corpusText
}

var (
	trainedOnce sync.Once
	trained     *Tokenizer
	trainedErr  error
)

// testVocabSize keeps the shared test tokenizer quick to train.
const testVocabSize = 4096

// testTokenizer is one tokenizer trained on testCorpus, shared by the tests.
func testTokenizer(t testing.TB) *Tokenizer {
	t.Helper()
	corpus := testCorpus(t)
	trainedOnce.Do(func() {
		trained, trainedErr = Train(bytes.NewReader(corpus), TrainOptions{VocabSize: testVocabSize})
	})
	if trainedErr != nil {
		t.Fatal(trainedErr)
	}
	return trained
}

// roundTripTexts are the texts whose encoding must decode exactly, in this
// package's encoder and in sugarme.
var roundTripTexts = map[string]string{
	"english":     "The learner's answer wasn't quite right: \"I have went\" should be \"I have gone\". Try again!",
	"chinese":     "我们今天学习了二十个新的汉字，你记住了吗？老师说：“明天考试。”",
	"emoji":       emojiText,
	"mixed":       "HSK 1 · 第1课: 的 我 你 是 … 100% 对! café naïve Ünïcödé ½ ² Ⅻ",
	"whitespace":  "  two leading spaces\ttab\r\n\n\nthree newlines   trailing spaces   \n\u3000ideographic space\u00a0nbsp",
	"runs":        "aaaa bbbbbbbbb ---------- ========== ...... !!!!!! zzzzzzzzzzzzzzzzzzzzzzzz 0000000000 ......",
	"contraction": "I'm you're we've they'll he'd she's it's 'tis 'Twas don'T O'Neill '' ''' 're",
	"numbers":     "In 2024, 3.14159 and 1,000,000 and 0x1F and ٣٤٥ and 四五六",
	"empty":       "",
	"space":       " ",
	"newline":     "\n",
}

// readTestFile reads a file under testdata or fails.
func readTestFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
