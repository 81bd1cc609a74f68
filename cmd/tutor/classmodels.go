package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"maps"
	"sync"

	"github.com/tutor-dev/tutor/model/engine"
	"github.com/tutor-dev/tutor/model/quant"
	"github.com/tutor-dev/tutor/server"
	"github.com/tutor-dev/tutor/server/registry"
	"github.com/tutor-dev/tutor/server/sqlite"
)

// classModels publishes the server's own models (serve's --check-model and
// --grade-model) for a class of an English course that has none of a task
// yet, when its learners' browsers first ask (api.Options.ClassModel): a
// class works offline from its first day, and a teacher's own publish
// replaces them.
type classModels struct {
	mu       sync.Mutex // one publish at a time: two learners must not publish twice
	store    *sqlite.DB
	key      ed25519.PrivateKey
	log      *slog.Logger
	releases map[string]registry.Release // by task
}

// newClassModels prepares a release of each of m's models that browsers
// can run: int8 models (tutor quantize), since a float model is too large
// to download to every learner.
func newClassModels(m teachingModels, store *sqlite.DB, key ed25519.PrivateKey, log *slog.Logger) (*classModels, error) {
	c := &classModels{store: store, key: key, log: log, releases: map[string]registry.Release{}}
	for task, dir := range map[string]string{server.TaskGEC: m.checkModel, server.TaskGrade: m.gradeModel} {
		if dir == "" || dir == "off" {
			continue
		}
		if _, err := quant.ReadInfo(dir); err != nil {
			log.Info("not published for classes (browsers run int8 models; quantize it with tutor quantize)", "model", dir, "task", task)
			continue
		}
		folder, files, err := registry.ModelFiles(dir)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", dir, err)
		}
		if task == server.TaskGEC {
			extra, err := engine.CheckerFiles(m.lexicon, m.explanations)
			if err != nil {
				return nil, err
			}
			maps.Copy(files, extra)
		}
		c.releases[task] = registry.Release{Task: task, Kind: "student", Files: files, Data: withSource(nil, folder)}
		log.Info("classes without a model get this one at their learners' first sync", "model", dir, "task", task)
	}
	return c, nil
}

// publish makes the server's model of task current for the class unless
// it has one, and reports whether it has one now.
func (c *classModels) publish(ctx context.Context, classID int64, task string) (bool, error) {
	r, ok := c.releases[task]
	if !ok {
		return false, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := c.store.CurrentModel(ctx, classID, task)
	if err == nil {
		return true, nil // published meanwhile
	}
	if server.ErrorCode(err) != server.ENOTFOUND {
		return false, err
	}
	if english, err := c.teachesEnglish(ctx, classID); err != nil || !english {
		return false, err // the models check and grade English only
	}
	r.ClassID = classID
	b, _, err := registry.Publish(ctx, c.store, c.key, c.store.Path(), r)
	if err != nil {
		return false, err
	}
	c.log.Info("published the server's model for a class", "class", classID, "task", task, "version", b.Version)
	return true, nil
}

// teachesEnglish reports whether the class's course teaches English, the
// language the server's models check and grade.
func (c *classModels) teachesEnglish(ctx context.Context, classID int64) (bool, error) {
	class, err := c.store.ClassByID(ctx, classID)
	if err != nil {
		return false, err
	}
	pack, err := c.store.Course(ctx, class.CourseID)
	if err != nil {
		return false, err
	}
	return pack.Course.TeachesEnglish(), nil
}
