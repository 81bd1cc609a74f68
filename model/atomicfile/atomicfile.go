// Package atomicfile writes a file so that readers see either the old
// contents or the new, never a half-written file: the data goes to a
// temporary file in the same directory, which is then renamed over the
// target. It depends on the standard library only.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// Write replaces path with data, readable by everyone (0644).
func Write(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// ReplaceDir moves the finished directory tmp to dir, as Write does for
// a file. An existing dir is first moved aside to dir.old and removed only
// once the new one is in place, so a crash in between leaves dir.old for
// the reader to explain, never a half-written dir.
func ReplaceDir(tmp, dir string) error {
	syncDir(tmp)
	old := dir + ".old"
	if _, err := os.Stat(dir); err == nil {
		if err := os.RemoveAll(old); err != nil {
			return err
		}
		if err := os.Rename(dir, old); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		return err
	}
	syncDir(filepath.Dir(dir))
	return os.RemoveAll(old)
}

// syncDir flushes a directory's entries to disk. Some file systems cannot;
// the rename is still atomic there, only its durability is weaker, so the
// error is not fatal.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
