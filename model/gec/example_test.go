package gec_test

import (
	"fmt"
	"math/rand/v2"
	"os"

	"github.com/tutor-dev/tutor/model/gec"
)

// One seed always gives the same learner's sentences (this output is also
// the package's golden test of determinism).
func ExampleGenerator_Corrupt() {
	lex, err := gec.LoadLexicon(os.DirFS("../../data/errors"))
	if err != nil {
		fmt.Println(err)
		return
	}
	g := gec.NewGenerator(lex)
	rng := rand.New(rand.NewPCG(7, 7))
	mix := gec.DefaultMix()
	mix.Clean = 0
	for _, s := range []string{
		"She goes to school every day.",
		"Yesterday I went to the park with my friends.",
		"I am interested in Chinese history.",
	} {
		ex, _ := g.Corrupt(s, rng, mix)
		fmt.Println(ex.Corrupted)
		for _, e := range ex.Edits {
			fmt.Printf("  %q -> %q (%s)\n", e.Span(ex.Corrupted), e.Replacement, e.Type)
		}
	}
	// Output:
	// She go school eveyr day.
	//   "go" -> "goes" (agreement)
	//   "" -> "to " (preposition)
	//   "eveyr" -> "every" (spelling)
	// Yesterday I goed to the park with my friends.
	//   "goed" -> "went" (verb_form)
	// I am interested about Chinese history.
	//   "about" -> "in" (preposition)
}
