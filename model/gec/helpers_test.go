package gec

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// The repository's data directory, from this package's directory.
const dataDir = "../../data"

var (
	lexOnce sync.Once
	lexVal  *Lexicon
	lexErr  error
)

// testLexicon loads data/errors once for all tests.
func testLexicon(t testing.TB) *Lexicon {
	t.Helper()
	lexOnce.Do(func() { lexVal, lexErr = LoadLexicon(os.DirFS(filepath.Join(dataDir, "errors"))) })
	if lexErr != nil {
		t.Fatal(lexErr)
	}
	return lexVal
}

func testGenerator(t testing.TB) *Generator { return NewGenerator(testLexicon(t)) }

func seeded(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9ec)) }

// courseSentences are the English example sentences of the committed
// English-for-Chinese-speakers content pack (usage examples and cloze
// prompts with the answer filled in), sorted and without duplicates.
func courseSentences(t testing.TB) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dataDir, "content", "en-for-zh.json"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := CourseSentences(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 1000 {
		t.Fatalf("only %d course sentences; the content pack changed", len(out))
	}
	return out
}
