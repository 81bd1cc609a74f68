// Package registry publishes trained models to classes: it signs a model
// folder into a bundle (package model/bundle) under the server's data
// folder, records it in the store as the class's current model of its
// task, and keeps
// the server's signing key next to the database.
//
// The CLI (tutor publish) and, later, the server's own training jobs
// publish through it; the HTTP layer only serves what it recorded. It
// depends on server and model/bundle, and must not import server/sqlite,
// server/api or net/http.
package registry

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/tutor-dev/tutor/model/bundle"
	"github.com/tutor-dev/tutor/server"
)

// Where the registry keeps things, relative to the data folder (the folder
// of the database file).
const (
	KeyFile      = "tutor-signing.key"
	ModelsFolder = "models"
)

// KeyPath is the signing key's file for the database at dbPath.
func KeyPath(dbPath string) string {
	return filepath.Join(filepath.Dir(dbPath), KeyFile)
}

// EnsureKey loads the server's signing key for the database at dbPath, or
// makes it (0600) on first use; created says which.
func EnsureKey(dbPath string) (key ed25519.PrivateKey, created bool, err error) {
	return bundle.EnsureKey(KeyPath(dbPath))
}

// Release is what a publisher says about a model; the registry adds the
// version, the parent and the signature.
type Release struct {
	ClassID int64
	// Files maps each name in the bundle to the file to copy (see
	// bundle.FolderFiles).
	Files map[string]string
	// Task is what the model does, server.TaskGEC or server.TaskGrade; ""
	// is TaskGEC. Each task of a class has its own current model.
	Task    string
	Kind    string
	Metrics map[string]float64
	Data    map[string]string
	Created time.Time // zero: now
}

// Publish signs r's files into a new bundle in the models folder beside
// the database at dbPath, records it and makes it the class's current
// model of its task. Its version is the server's next; its parent the
// class's current model of the same task. A task other than "gec" or
// "grade" is refused (EINVALID, field "task"). On any failure nothing is
// recorded and no bundle folder is left.
func Publish(ctx context.Context, st server.Store, key ed25519.PrivateKey, dbPath string, r Release) (server.ModelBundle, bundle.Manifest, error) {
	task, err := server.ModelTask(r.Task)
	if err != nil {
		return server.ModelBundle{}, bundle.Manifest{}, err
	}
	if _, err := st.ClassByID(ctx, r.ClassID); err != nil {
		return server.ModelBundle{}, bundle.Manifest{}, err
	}
	parent, err := currentVersion(ctx, st, r.ClassID, task)
	if err != nil {
		return server.ModelBundle{}, bundle.Manifest{}, err
	}
	last, err := st.LastModelVersion(ctx)
	if err != nil {
		return server.ModelBundle{}, bundle.Manifest{}, err
	}
	version := last + 1
	dir, err := filepath.Abs(filepath.Join(filepath.Dir(dbPath), ModelsFolder, strconv.FormatInt(version, 10)))
	if err != nil {
		return server.ModelBundle{}, bundle.Manifest{}, err
	}
	if _, err := os.Lstat(dir); err == nil {
		// Never removed here: it may be another publish that is running now.
		return server.ModelBundle{}, bundle.Manifest{}, fmt.Errorf("registry: %s exists but version %d is not recorded: it is left from an interrupted publish (or one is running now); remove it and publish again", dir, version)
	}
	m := bundle.Manifest{Version: version, Parent: parent, Created: r.Created, Task: task, Kind: r.Kind, Metrics: r.Metrics, Data: r.Data}
	if err := bundle.CreateFiles(r.Files, dir, m, key); err != nil {
		return server.ModelBundle{}, bundle.Manifest{}, err
	}
	b, man, err := record(ctx, st, key, dir, r.ClassID, task)
	if err != nil {
		os.RemoveAll(dir)
		return server.ModelBundle{}, bundle.Manifest{}, err
	}
	return b, man, nil
}

// currentVersion is the version of the class's current model of the
// task, 0 for none.
func currentVersion(ctx context.Context, st server.Store, classID int64, task string) (int64, error) {
	cur, err := st.CurrentModel(ctx, classID, task)
	if server.ErrorCode(err) == server.ENOTFOUND {
		return 0, nil
	}
	return cur.Version, err
}

// record checks the bundle just written as a client will, then stores its
// manifest and signature as they are on disk.
func record(ctx context.Context, st server.Store, key ed25519.PrivateKey, dir string, classID int64, task string) (server.ModelBundle, bundle.Manifest, error) {
	man, err := bundle.Verify(os.DirFS(dir), key.Public().(ed25519.PublicKey))
	if err != nil {
		return server.ModelBundle{}, bundle.Manifest{}, fmt.Errorf("registry: the new bundle does not verify (is the disk failing?): %w", err)
	}
	manifest, err := os.ReadFile(filepath.Join(dir, bundle.ManifestFile))
	if err != nil {
		return server.ModelBundle{}, bundle.Manifest{}, err
	}
	sigText, err := os.ReadFile(filepath.Join(dir, bundle.SignatureFile))
	if err != nil {
		return server.ModelBundle{}, bundle.Manifest{}, err
	}
	sig, err := bundle.DecodeSignature(sigText)
	if err != nil {
		return server.ModelBundle{}, bundle.Manifest{}, err
	}
	b := server.ModelBundle{Version: man.Version, ClassID: classID, Task: task, Parent: man.Parent, Manifest: manifest, Signature: sig, Dir: dir}
	if err := st.AddModel(ctx, &b); err != nil {
		return server.ModelBundle{}, bundle.Manifest{}, err
	}
	return b, man, nil
}

// TokenizerFile is the tokenizer a bundle must carry: the browser cannot
// use a model without the tokenizer its ids mean.
const TokenizerFile = "tokenizer.json"

// ModelFiles lists what to publish for the model that path names (see
// ModelFolder): the files of its folder, and the training run's
// tokenizer.json when the checkpoint folder has none of its own.
func ModelFiles(path string) (folder string, files map[string]string, err error) {
	folder, err = ModelFolder(path)
	if err != nil {
		return "", nil, err
	}
	if files, err = bundle.FolderFiles(folder); err != nil {
		return "", nil, err
	}
	if _, ok := files[TokenizerFile]; !ok {
		run := filepath.Join(filepath.Dir(folder), TokenizerFile)
		if _, err := os.Stat(run); err != nil {
			return "", nil, fmt.Errorf("no %s in %s or its parent folder: copy the tokenizer the model was trained with into %s", TokenizerFile, folder, folder)
		}
		files[TokenizerFile] = run
	}
	return folder, files, nil
}

// ModelFolder finds the model a path names: the folder itself when it
// holds config.json, or else a training run's best/ (then latest/)
// checkpoint.
func ModelFolder(path string) (string, error) {
	for _, d := range []string{path, filepath.Join(path, "best"), filepath.Join(path, "latest")} {
		if _, err := os.Stat(filepath.Join(d, "config.json")); err == nil {
			return d, nil
		}
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("no model at %s: the folder does not exist", path)
	}
	return "", fmt.Errorf("no model at %s: it has no config.json, and no best/ or latest/ checkpoint of a training run", path)
}
