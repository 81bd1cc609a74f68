package corpus

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tutor-dev/tutor/model/pkgfetch"
)

// DefaultCacheDir is where packages are kept between builds; the content
// builder uses the same one.
func DefaultCacheDir() string { return pkgfetch.DefaultCacheDir() }

// fetch makes sure p's file is in cache, downloading it when it is not, and
// checks its SHA-256; it returns the file's path.
func fetch(p Package, cache string, log io.Writer) (string, error) {
	switch p.Registry {
	case NPM:
		return pkgfetch.NPM(p.Name, p.Version, p.SHA256, cache, log)
	case Debian:
		return fetchDeb(p, cache, log)
	}
	return "", fmt.Errorf("package %s: unknown registry %q (want %q or %q)", p, p.Registry, Debian, NPM)
}

// debFile is the name a .deb is cached under: apt-get's own name without
// the architecture (the packages here are all "all"), with the epoch's
// colon written as apt-get writes it.
func debFile(p Package) string {
	return p.Name + "_" + strings.ReplaceAll(p.Version, ":", "%3a") + ".deb"
}

func fetchDeb(p Package, cache string, log io.Writer) (string, error) {
	file := filepath.Join(cache, debFile(p))
	err := pkgfetch.Pinned(file, "package "+p.String(), "apt-get download", p.SHA256, log,
		func() error { return aptDownload(p, cache) })
	return file, err
}

// aptDownload runs `apt-get download NAME=VERSION` in a temporary directory
// of the cache and moves the .deb into place, so an interrupted download
// never leaves half a file under the cached name.
func aptDownload(p Package, cache string) error {
	byHand := fmt.Sprintf("or download %s by hand and put it into %s as %s", p, cache, debFile(p))
	apt, err := exec.LookPath("apt-get")
	if err != nil {
		return fmt.Errorf("package %s: apt-get is not installed (the corpus needs Debian packages: run it on Debian 12 or Ubuntu), %s", p, byHand)
	}
	tmp, err := os.MkdirTemp(cache, ".apt-download-")
	if err != nil {
		return fmt.Errorf("package %s: %w", p, err)
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command(apt, "download", p.String())
	cmd.Dir = tmp
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("package %s could not be fetched (%v): %s\n"+
			"run apt-get update; if the version is no longer served, look up the current one with apt-cache policy %s "+
			"and update the pin (version and SHA-256) in model/corpus/sources.go; %s",
			p, err, aptError(stderr.String()), p.Name, byHand)
	}
	debs, _ := filepath.Glob(filepath.Join(tmp, "*.deb"))
	if len(debs) != 1 {
		return fmt.Errorf("package %s: apt-get download wrote %d .deb files, want 1", p, len(debs))
	}
	return os.Rename(debs[0], filepath.Join(cache, debFile(p)))
}

// aptError keeps apt-get's error lines ("E: Unable to locate package ...");
// its warnings (such as the one about downloading as root) are noise here.
func aptError(s string) string {
	var errs []string
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		if !strings.HasPrefix(line, "W:") && strings.TrimSpace(line) != "" {
			errs = append(errs, line)
		}
	}
	if len(errs) == 0 {
		return "apt-get printed no error"
	}
	return strings.Join(errs[:min(3, len(errs))], "\n")
}

// readPackage returns the regular files of the package file that include
// accepts, sorted by path.
func readPackage(p Package, file string, include func(string) bool) ([]File, error) {
	var files []File
	var err error
	switch p.Registry {
	case NPM:
		files, err = readNPM(file, include)
	case Debian:
		files, err = readDeb(file, include)
	default:
		err = fmt.Errorf("unknown registry %q", p.Registry)
	}
	if err != nil {
		return nil, fmt.Errorf("package %s: %w", p, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("package %s: none of its files are the ones this source reads; the package layout changed, check the pin", p)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, nil
}

func readNPM(file string, include func(string) bool) ([]File, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s is not a gzipped npm tarball: %w; delete it so it is fetched again", file, err)
	}
	return readTar(gz, include)
}

// readDeb reads the data part of a .deb through dpkg-deb, which knows every
// compression Debian uses (xz, zstd, gzip).
func readDeb(file string, include func(string) bool) ([]File, error) {
	dpkg, err := exec.LookPath("dpkg-deb")
	if err != nil {
		return nil, errors.New("dpkg-deb is not installed; it comes with dpkg on Debian and Ubuntu (apt-get install dpkg)")
	}
	cmd := exec.Command(dpkg, "--fsys-tarfile", file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	files, readErr := readTar(out, include)
	io.Copy(io.Discard, out) // let dpkg-deb finish writing before Wait
	if err := cmd.Wait(); err != nil {
		return nil, fmt.Errorf("dpkg-deb --fsys-tarfile %s: %v: %s; delete the file so it is fetched again",
			file, err, strings.TrimSpace(stderr.String()))
	}
	return files, readErr
}

// readTar reads the regular files include accepts; names lose a leading
// "./" so that paths look the same in .debs and npm tarballs.
func readTar(r io.Reader, include func(string) bool) ([]File, error) {
	var files []File
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
		data, err := io.ReadAll(tr)
		if err != nil {
			return nil, fmt.Errorf("reading %s from the archive: %w", name, err)
		}
		files = append(files, File{Path: name, Data: data})
	}
}
