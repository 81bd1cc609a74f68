package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tutor-dev/tutor/server"
)

const modelColumns = "version, class_id, task, parent, manifest, signature, dir, created_at, current"

func modelNotFound(version int64) error {
	return server.Errorf(server.ENOTFOUND, "No model version %d.", version)
}

// AddModel stores a published bundle and makes it the current model of
// its class and task in one transaction.
func (db *DB) AddModel(ctx context.Context, b *server.ModelBundle) error {
	task, err := server.ModelTask(b.Task)
	if err != nil {
		return err
	}
	b.Task = task
	if err := checkModel(*b); err != nil {
		return err
	}
	created := db.now()
	err = db.inTx(ctx, "add model", func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "SELECT 1 FROM classes WHERE id = ?", b.ClassID, classNotFound(b.ClassID)); err != nil {
			return err
		}
		if err := checkParent(ctx, tx, *b); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE models SET current = 0 WHERE class_id = ? AND task = ? AND current = 1", b.ClassID, b.Task); err != nil {
			return fmt.Errorf("sqlite: add model %d: %w", b.Version, err)
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO models ("+modelColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
			b.Version, b.ClassID, b.Task, b.Parent, b.Manifest, b.Signature, b.Dir, formatTime(created))
		if isUnique(err) {
			return &server.Error{Code: server.ECONFLICT, Field: "version",
				Message: fmt.Sprintf("Model version %d is already published; publish again to take the next version.", b.Version)}
		}
		if err != nil {
			return fmt.Errorf("sqlite: add model %d: %w", b.Version, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	b.CreatedAt, b.Current = created, true
	return nil
}

// checkModel says which field of a bundle is wrong before SQLite's CHECK
// constraints would refuse it without saying.
func checkModel(b server.ModelBundle) error {
	switch {
	case b.Version < 1:
		return server.FieldError("version", "Model versions start at 1; %d is not one.", b.Version)
	case b.Parent < 0 || b.Parent >= b.Version:
		return server.FieldError("parent", "The parent of model version %d must be an earlier version or 0, not %d.", b.Version, b.Parent)
	case len(b.Manifest) == 0:
		return server.FieldError("manifest", "A model bundle needs its manifest.json.")
	case len(b.Signature) != 64:
		return server.FieldError("signature", "An ed25519 signature has 64 bytes, not %d.", len(b.Signature))
	case b.Dir == "":
		return server.FieldError("dir", "A model bundle needs the folder that holds its files.")
	}
	return nil
}

// checkParent refuses a parent that is not one of the class's own versions
// of the same task: a history must not run through another class's models,
// nor a checker's through a grader's.
func checkParent(ctx context.Context, tx *sql.Tx, b server.ModelBundle) error {
	if b.Parent == 0 {
		return nil
	}
	var class int64
	var task string
	err := tx.QueryRowContext(ctx, "SELECT class_id, task FROM models WHERE version = ?", b.Parent).Scan(&class, &task)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && class != b.ClassID) {
		return server.FieldError("parent", "Model version %d is not a model of class %d, so it cannot be the parent of version %d.", b.Parent, b.ClassID, b.Version)
	}
	if err == nil && task != b.Task {
		return server.FieldError("parent", "Model version %d is a %q model, so it cannot be the parent of version %d, a %q model.", b.Parent, task, b.Version, b.Task)
	}
	if err != nil {
		return fmt.Errorf("sqlite: parent of model %d: %w", b.Version, err)
	}
	return nil
}

// ModelByVersion returns the bundle with that version, or ENOTFOUND.
func (db *DB) ModelByVersion(ctx context.Context, version int64) (server.ModelBundle, error) {
	row := db.read.QueryRowContext(ctx, "SELECT "+modelColumns+" FROM models WHERE version = ?", version)
	b, err := scanModel(row)
	if errors.Is(err, sql.ErrNoRows) {
		return server.ModelBundle{}, modelNotFound(version)
	}
	if err != nil {
		return server.ModelBundle{}, fmt.Errorf("sqlite: model %d: %w", version, err)
	}
	return b, nil
}

// CurrentModel returns the class's current bundle of the task ("" is
// "gec"); ENOTFOUND when the class does not exist or has none of it.
func (db *DB) CurrentModel(ctx context.Context, classID int64, task string) (server.ModelBundle, error) {
	task, err := server.ModelTask(task)
	if err != nil {
		return server.ModelBundle{}, err
	}
	row := db.read.QueryRowContext(ctx, "SELECT "+modelColumns+" FROM models WHERE class_id = ? AND task = ? AND current = 1", classID, task)
	b, err := scanModel(row)
	if errors.Is(err, sql.ErrNoRows) {
		return server.ModelBundle{}, server.Errorf(server.ENOTFOUND, "Class %d has no %q model yet.", classID, task)
	}
	if err != nil {
		return server.ModelBundle{}, fmt.Errorf("sqlite: current %s model of class %d: %w", task, classID, err)
	}
	return b, nil
}

// ClassModels lists the class's bundles of every task, newest first;
// ENOTFOUND if the class does not exist.
func (db *DB) ClassModels(ctx context.Context, classID int64) ([]server.ModelBundle, error) {
	if _, err := db.ClassByID(ctx, classID); err != nil {
		return nil, err
	}
	return queryAll(ctx, db, "models of class", scanModel,
		"SELECT "+modelColumns+" FROM models WHERE class_id = ? ORDER BY version DESC", classID)
}

// SetCurrentModel makes version the class's current model of its task;
// the class's current models of other tasks stay.
func (db *DB) SetCurrentModel(ctx context.Context, classID, version int64) error {
	return db.inTx(ctx, "set current model", func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "SELECT 1 FROM classes WHERE id = ?", classID, classNotFound(classID)); err != nil {
			return err
		}
		var class int64
		var task string
		err := tx.QueryRowContext(ctx, "SELECT class_id, task FROM models WHERE version = ?", version).Scan(&class, &task)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && class != classID) {
			return server.Errorf(server.ENOTFOUND, "Class %d has no model version %d; list its versions with GET /api/v1/classes/%d/models.", classID, version, classID)
		}
		if err != nil {
			return fmt.Errorf("sqlite: set current model: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE models SET current = 0 WHERE class_id = ? AND task = ? AND current = 1", classID, task); err != nil {
			return fmt.Errorf("sqlite: set current model: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE models SET current = 1 WHERE version = ?", version); err != nil {
			return fmt.Errorf("sqlite: set current model: %w", err)
		}
		return nil
	})
}

// LastModelVersion returns the highest version published, 0 before any.
func (db *DB) LastModelVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := db.read.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM models").Scan(&v); err != nil {
		return 0, fmt.Errorf("sqlite: last model version: %w", err)
	}
	return v, nil
}

func scanModel(row rowScanner) (server.ModelBundle, error) {
	var b server.ModelBundle
	var created string
	if err := row.Scan(&b.Version, &b.ClassID, &b.Task, &b.Parent, &b.Manifest, &b.Signature, &b.Dir, &created, &b.Current); err != nil {
		return server.ModelBundle{}, err
	}
	var err error
	b.CreatedAt, err = parseTime(created)
	return b, err
}
