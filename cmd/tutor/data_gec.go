package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/tutor-dev/tutor/model/gec"
	"github.com/tutor-dev/tutor/model/gecdata"
)

// runDataGEC builds the grammar-error datasets: tutor data gec [flags].
func runDataGEC(args []string) error {
	o := gecdata.DefaultOptions()
	flags := flag.NewFlagSet("tutor data gec", flag.ContinueOnError)
	flags.StringVar(&o.CorpusText, "corpus", o.CorpusText, "corpus text of `tutor data corpus` (one paragraph a line)")
	packs := flags.String("packs", strings.Join(o.Packs, ","), "comma-separated content packs whose sentences join the pools")
	flags.StringVar(&o.Lexicon, "lexicon", o.Lexicon, "directory of the word tables (data/errors)")
	flags.StringVar(&o.Out, "out", o.Out, "build directory")
	flags.StringVar(&o.TestOut, "test-out", o.TestOut, "where to write the synthetic test set that is committed (empty: only --out)")
	flags.IntVar(&o.TrainExamples, "train", o.TrainExamples, "training examples")
	flags.IntVar(&o.ValExamples, "val", o.ValExamples, "validation examples")
	flags.IntVar(&o.TestExamples, "test", o.TestExamples, "test examples")
	flags.Int64Var(&o.Seed, "seed", o.Seed, "random seed (validation uses seed+1, test seed+2)")
	mixPath := flags.String("mix", "", "error-type mix as JSON (docs/GEC.md; default: the built-in mix)")
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "Usage: tutor data gec [flags]\n\n"+
			"Picks learner-like sentences from the corpus text and the course, splits them by sentence into training,\n"+
			"validation and test pools, spoils them with synthetic learner errors (docs/GEC.md) and writes, in --out,\n"+
			"{train,val,test}.jsonl (sentences with their edits), tagging-{train,val,test}.jsonl for `tutor train`,\n"+
			"labels.json and manifest.json. The same inputs and seed give the same bytes. Flags:")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("tutor data gec takes no arguments, got %q", flags.Args())
	}
	for _, n := range []struct {
		flag  string
		value int
	}{{"--train", o.TrainExamples}, {"--val", o.ValExamples}, {"--test", o.TestExamples}} {
		if n.value < 1 {
			return fmt.Errorf("%s %d: each split needs at least one example", n.flag, n.value)
		}
	}
	o.Packs = nil
	for _, p := range strings.Split(*packs, ",") {
		if p = strings.TrimSpace(p); p != "" {
			o.Packs = append(o.Packs, p)
		}
	}
	if *mixPath != "" {
		f, err := os.Open(*mixPath)
		if err != nil {
			return err
		}
		defer f.Close()
		if o.Mix, err = gec.ReadMix(f); err != nil {
			return fmt.Errorf("%s: %w", *mixPath, err)
		}
	}
	o.Log = os.Stderr
	start := time.Now()
	m, err := gecdata.Build(o)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s in %s: %d training tagging lines, %d tags\n", o.Out, time.Since(start).Round(time.Second), m.Tagging["train"], len(m.Labels))
	return nil
}
