package pkgfetch

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// DebFile is the name a .deb is cached under: apt-get's own name without
// the architecture, with the epoch's colon written as apt-get writes it.
func DebFile(name, version string) string {
	return name + "_" + strings.ReplaceAll(version, ":", "%3a") + ".deb"
}

// Deb makes sure the .deb of name=version is in cache (running `apt-get
// download` when it is not), checks it against sha and returns its path.
func Deb(name, version, sha, cache string, log io.Writer) (string, error) {
	file := filepath.Join(cache, DebFile(name, version))
	spec := name + "=" + version
	err := Pinned(file, "package "+spec, "apt-get download", sha, log,
		func() error { return aptDownload(name, version, cache) })
	return file, err
}

// aptDownload runs `apt-get download NAME=VERSION` in a temporary directory
// of the cache and moves the .deb into place, so an interrupted download
// never leaves half a file under the cached name.
func aptDownload(name, version, cache string) error {
	spec := name + "=" + version
	byHand := fmt.Sprintf("or download %s by hand and put it into %s as %s", spec, cache, DebFile(name, version))
	apt, err := exec.LookPath("apt-get")
	if err != nil {
		return fmt.Errorf("package %s: apt-get is not installed (run this on Debian 12 or Ubuntu), %s", spec, byHand)
	}
	tmp, err := os.MkdirTemp(cache, ".apt-download-")
	if err != nil {
		return fmt.Errorf("package %s: %w", spec, err)
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command(apt, "download", spec)
	cmd.Dir = tmp
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("package %s could not be fetched (%v): %s\nrun apt-get update; if the version is no longer "+
			"served, look up the current one with apt-cache policy %s and update the pin (version and SHA-256); %s",
			spec, err, aptError(stderr.String()), name, byHand)
	}
	debs, _ := filepath.Glob(filepath.Join(tmp, "*.deb"))
	if len(debs) != 1 {
		return fmt.Errorf("package %s: apt-get download wrote %d .deb files, want 1", spec, len(debs))
	}
	return os.Rename(debs[0], filepath.Join(cache, DebFile(name, version)))
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

// ReadDeb returns the regular files of a .deb's data part whose paths
// (without a leading "./") include accepts, read through dpkg-deb, which
// knows every compression Debian uses.
func ReadDeb(file string, include func(path string) bool) (map[string][]byte, error) {
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
