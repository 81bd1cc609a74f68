// Package data holds the data files the tutor binary embeds, so it needs no
// network: the starter content packs in content/ (built by `tutor data
// content`; see content/PROVENANCE.md for their sources and licence).
//
// It imports only app/course and the standard library.
package data

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"

	"github.com/tutor-dev/tutor/app/course"
)

//go:embed content/*.json
var content embed.FS

// StarterPacks decodes and validates every embedded pack, in file name
// order.
func StarterPacks() ([]course.Pack, error) {
	names, err := fs.Glob(content, "content/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	packs := make([]course.Pack, 0, len(names))
	for _, name := range names {
		f, err := content.Open(name)
		if err != nil {
			return nil, err
		}
		p, err := course.Decode(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("embedded starter pack %s: %w", name, err)
		}
		packs = append(packs, p)
	}
	return packs, nil
}
