package pkgfetch

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
)

// ReadTarball returns the regular files of a gzipped npm tarball whose
// paths (such as "package/index.json") include accepts.
func ReadTarball(file string, include func(path string) bool) (map[string][]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s is not a gzip file (%w): delete it so it is fetched again", file, err)
	}
	files, err := readTar(gz, include)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return files, nil
}

// ReadTarballFiles returns the named files of a gzipped npm tarball; a
// name the tarball lacks is an error, since it means the pinned package is
// not the one the reader was written for.
func ReadTarballFiles(file string, names ...string) (map[string][]byte, error) {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	files, err := ReadTarball(file, func(p string) bool { return want[p] })
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		if _, ok := files[n]; !ok {
			return nil, fmt.Errorf("%s has no file %s: the package layout changed; check the pinned version", file, n)
		}
	}
	return files, nil
}

// readTar reads the regular files include accepts; names lose a leading
// "./" or "/" so that paths look the same in .debs and npm tarballs.
func readTar(r io.Reader, include func(string) bool) (map[string][]byte, error) {
	files := map[string][]byte{}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading the archive: %w", err)
		}
		name := strings.TrimPrefix(path.Clean(h.Name), "/")
		if h.Typeflag != tar.TypeReg || !include(name) {
			continue
		}
		if files[name], err = io.ReadAll(tr); err != nil {
			return nil, fmt.Errorf("reading %s from the archive: %w", name, err)
		}
	}
}
