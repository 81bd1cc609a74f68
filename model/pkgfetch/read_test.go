package pkgfetch

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTarball makes a gzipped tar like the ones npm pack writes, with a
// directory entry that readers must pass over.
func writeTarball(t *testing.T, files map[string]string) string {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	tw.WriteHeader(&tar.Header{Name: "package/", Typeflag: tar.TypeDir, Mode: 0o755})
	for _, name := range []string{"package/package.json", "package/index.json", "package/words.js"} {
		if body, ok := files[name]; ok {
			tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body))})
			tw.Write([]byte(body))
		}
	}
	tw.Close()
	gz.Close()
	path := filepath.Join(t.TempDir(), "fake-1.0.0.tgz")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadTarballKeepsTheAcceptedFiles(t *testing.T) {
	path := writeTarball(t, map[string]string{"package/package.json": `{"name":"fake"}`, "package/index.json": `[]`})
	got, err := ReadTarball(path, func(p string) bool { return strings.HasPrefix(p, "package/") })
	if err != nil || len(got) != 2 || string(got["package/index.json"]) != "[]" {
		t.Fatalf("ReadTarball = %q, %v", got, err)
	}
}

func TestReadTarballFilesSaysWhatIsMissing(t *testing.T) {
	path := writeTarball(t, map[string]string{"package/package.json": `{"name":"fake"}`, "package/index.json": `[]`})
	got, err := ReadTarballFiles(path, "package/index.json")
	if err != nil || len(got) != 1 || string(got["package/index.json"]) != "[]" {
		t.Fatalf("ReadTarballFiles = %q, %v", got, err)
	}
	if _, err := ReadTarballFiles(path, "package/index.json", "package/missing.js"); err == nil ||
		!strings.Contains(err.Error(), "has no file package/missing.js") || !strings.Contains(err.Error(), "pinned version") {
		t.Errorf("missing file: err = %v", err)
	}
	os.WriteFile(path, []byte("not gzip"), 0o644)
	if _, err := ReadTarballFiles(path, "package/index.json"); err == nil ||
		!strings.Contains(err.Error(), "not a gzip file") || !strings.Contains(err.Error(), "delete it") {
		t.Errorf("bad tarball: err = %v", err)
	}
}

func TestReadTarballNamesTheBrokenFile(t *testing.T) {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	gz.Write([]byte("gzip, but not a tar"))
	gz.Close()
	path := filepath.Join(t.TempDir(), "broken.tgz")
	os.WriteFile(path, buf.Bytes(), 0o644)
	if _, err := ReadTarball(path, func(string) bool { return true }); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("err = %v, want it to name %s", err, path)
	}
}
