package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tutor-dev/tutor/model/atomicfile"
	"github.com/tutor-dev/tutor/model/grader/gradedata"
	"github.com/tutor-dev/tutor/model/pkgfetch"
)

// runDataGrade builds the answer-grading datasets: tutor data grade [flags].
func runDataGrade(args []string) error {
	o := gradedata.DefaultOptions()
	flags := flag.NewFlagSet("tutor data grade", flag.ContinueOnError)
	packs := flags.String("packs", strings.Join(o.Packs, ","), "comma-separated content packs whose exercises are graded")
	flags.StringVar(&o.Words, "words", o.Words, "directory of the grammar-error word tables (data/errors)")
	flags.StringVar(&o.Lexicon, "lexicon", o.Lexicon, "synonym table derived from WordNet")
	flags.StringVar(&o.Out, "out", o.Out, "build directory")
	flags.StringVar(&o.TestOut, "test-out", o.TestOut, "where to write the test set that is committed (empty: only --out)")
	perLabel := map[string]*int{}
	for split, what := range map[string]string{gradedata.SplitTrain: "training", gradedata.SplitVal: "validation", gradedata.SplitTest: "test"} {
		perLabel[split] = flags.Int(split, o.PerLabel[split], "answers of each grade per "+what+" item (at most; the grades are then balanced)")
	}
	flags.Int64Var(&o.Seed, "seed", o.Seed, "random seed")
	derive := flags.Bool("derive-lexicon", false, "first derive --lexicon from the pinned WordNet package (fetched with apt-get into --cache)")
	cache := flags.String("cache", pkgfetch.DefaultCacheDir(), "package cache for --derive-lexicon")
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "Usage: tutor data grade [flags]\n\n"+
			"Makes up learner answers to the course's vocabulary, cloze and translation exercises, labelled correct,\n"+
			"acceptable (one small error) or wrong (docs/GRADING.md), splits them by item and writes, in --out,\n"+
			"{train,val,test}.jsonl for `tutor train` (head classification), {split}-records.jsonl (how each answer\n"+
			"was made) and manifest.json. The same inputs and seed give the same bytes. Flags:")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("tutor data grade takes no arguments, got %q", flags.Args())
	}
	for split, n := range perLabel {
		if *n < 1 {
			return fmt.Errorf("--%s %d: each item needs at least one answer of each grade", split, *n)
		}
		o.PerLabel[split] = *n
	}
	o.Packs = nil
	for _, p := range strings.Split(*packs, ",") {
		if p = strings.TrimSpace(p); p != "" {
			o.Packs = append(o.Packs, p)
		}
	}
	if *derive {
		if err := deriveGradeLexicon(o.Lexicon, *cache); err != nil {
			return err
		}
	}
	o.Log = os.Stderr
	start := time.Now()
	m, err := gradedata.Build(o)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s in %s: %d training, %d validation, %d test answers\n", o.Out, time.Since(start).Round(time.Second),
		total(m.Examples[gradedata.SplitTrain]), total(m.Examples[gradedata.SplitVal]), total(m.Examples[gradedata.SplitTest]))
	return nil
}

// deriveGradeLexicon writes the synonym table from the pinned WordNet.
func deriveGradeLexicon(path, cache string) error {
	files, err := gradedata.FetchWordNet(cache, os.Stderr)
	if err != nil {
		return err
	}
	data, err := gradedata.DeriveLexicon(files)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "derived %s (%d lines)\n", path, strings.Count(string(data), "\n"))
	return atomicfile.Write(path, data)
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
