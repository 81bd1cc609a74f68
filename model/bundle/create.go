package bundle

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Create makes the bundle outDir from every file in the folder srcDir and
// signs it with key. A checkpoint's own manifest.json is kept as
// checkpoint.json (the bundle's manifest takes its name; CheckpointFS
// turns it back). srcDir must be flat: a sub-folder is an error, as is a
// folder that is already a bundle.
func Create(srcDir, outDir string, m Manifest, key ed25519.PrivateKey) error {
	files, err := FolderFiles(srcDir)
	if err != nil {
		return err
	}
	return CreateFiles(files, outDir, m, key)
}

// FolderFiles lists the files Create would take from srcDir, as a map from
// the name in the bundle to the file's path.
func FolderFiles(srcDir string) (map[string]string, error) {
	entries, err := os.ReadDir(srcDir)
	if err != nil {
		return nil, fmt.Errorf("bundle: reading the model folder: %w", err)
	}
	files := map[string]string{}
	for _, e := range entries {
		name, path := e.Name(), filepath.Join(srcDir, e.Name())
		switch name {
		case SignatureFile:
			return nil, fmt.Errorf("bundle: %s already is a bundle (it has %s): bundle the model folder it was made from", srcDir, SignatureFile)
		case ManifestFile:
			name = CheckpointFile
		case CheckpointFile:
			if _, err := os.Stat(filepath.Join(srcDir, ManifestFile)); err == nil {
				return nil, fmt.Errorf("bundle: %s has both %s and %s, and the bundle keeps the first under the second's name: rename %s", srcDir, ManifestFile, CheckpointFile, path)
			}
		}
		files[name] = path
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("bundle: %s is empty: point at the folder of a trained model", srcDir)
	}
	return files, nil
}

// CreateFiles makes the bundle outDir from files (the name in the bundle →
// the path of the file to copy), signs it with key and returns nothing
// until the whole bundle is in place: it is written in a temporary folder
// beside outDir and renamed, so a failure or a crash leaves no outDir at
// all. outDir must not exist; a bundle is never overwritten.
func CreateFiles(files map[string]string, outDir string, m Manifest, key ed25519.PrivateKey) error {
	if len(key) != ed25519.PrivateKeySize {
		return fmt.Errorf("bundle: the signing key has %d bytes, not %d: load it with LoadKey", len(key), ed25519.PrivateKeySize)
	}
	if err := checkSources(files); err != nil {
		return err
	}
	if _, err := os.Lstat(outDir); err == nil {
		return fmt.Errorf("bundle: %s already exists; a bundle is never overwritten, so choose a new folder", outDir)
	}
	outDir = filepath.Clean(outDir)
	if err := os.MkdirAll(filepath.Dir(outDir), 0o755); err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(outDir), "."+filepath.Base(outDir)+".tmp-")
	if err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	if err := writeBundle(tmp, files, m, key); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	os.Chmod(tmp, 0o755) // MkdirTemp makes it 0700; a served folder is readable
	syncDir(tmp)
	if err := os.Rename(tmp, outDir); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("bundle: moving the finished bundle into place: %w", err)
	}
	syncDir(filepath.Dir(outDir))
	return nil
}

// checkSources refuses bad names and anything that is not a regular file
// before a byte is copied.
func checkSources(files map[string]string) error {
	if len(files) == 0 {
		return errors.New("bundle: no files given: a bundle holds at least the model")
	}
	for name, path := range files {
		if err := checkName(name); err != nil {
			return fmt.Errorf("bundle: %s cannot go into a bundle as %q: %v; rename it", path, name, err)
		}
		info, err := os.Stat(path)
		if err != nil {
			return fmt.Errorf("bundle: %w", err)
		}
		if !info.Mode().IsRegular() {
			return fmt.Errorf("bundle: %s is not a regular file (it is a %s): a bundle is a flat folder of files; point at the model's own folder (a checkpoint such as runs/NAME/best)", path, kindOf(info))
		}
	}
	return nil
}

func kindOf(info fs.FileInfo) string {
	if info.IsDir() {
		return "folder"
	}
	return info.Mode().Type().String()
}

// writeBundle copies and hashes the files into dir, then writes the
// manifest and its signature.
func writeBundle(dir string, files map[string]string, m Manifest, key ed25519.PrivateKey) error {
	m.Format, m.FormatVersion = Format, FormatVersion
	if m.Created.IsZero() {
		m.Created = time.Now()
	}
	m.Created = m.Created.UTC()
	m.Files = map[string]File{}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		f, err := copyFile(files[name], filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("bundle: copying %s: %w", files[name], err)
		}
		m.Files[name] = f
	}
	if err := m.check(); err != nil {
		return err
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("bundle: writing %s: %w", ManifestFile, err)
	}
	data = append(data, '\n')
	if err := writeFileSynced(filepath.Join(dir, ManifestFile), data); err != nil {
		return err
	}
	return writeFileSynced(filepath.Join(dir, SignatureFile), EncodeSignature(ed25519.Sign(key, data)))
}

// copyFile copies src to the new file dst, flushes it to disk and returns
// its size and SHA-256.
func copyFile(src, dst string) (File, error) {
	in, err := os.Open(src)
	if err != nil {
		return File{}, err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return File{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return File{Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, err
}

func writeFileSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("bundle: writing %s: %w", path, err)
	}
	return nil
}

// syncDir flushes a folder's entries to disk where the file system can;
// the rename stays atomic where it cannot, only less durable.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
