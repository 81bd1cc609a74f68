package main

import (
	"context"
	"crypto/ed25519"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/tutor-dev/tutor/model/bundle"
	"github.com/tutor-dev/tutor/server"
	"github.com/tutor-dev/tutor/server/sqlite"
)

// TestClassModels: the released int8 models are published for a class of
// an English course that has none, once however many learners ask at the
// same time, with the checker's word tables in the gec bundle; a float
// model is not offered, and a class learning Chinese gets nothing.
func TestClassModels(t *testing.T) {
	db := filepath.Join(t.TempDir(), "tutor.db")
	fixture := publishFixture(t, db)
	store, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	discard := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := importStarterPacks(ctx, store, discard); err != nil {
		t.Fatal(err)
	}
	teacher, err := store.ClassByID(ctx, fixture)
	if err != nil {
		t.Fatal(err)
	}
	english := server.Class{Name: "English", TeacherID: teacher.TeacherID, CourseID: "en-for-zh", JoinCode: "BBBB2222"}
	chinese := server.Class{Name: "Chinese", TeacherID: teacher.TeacherID, CourseID: "zh-hsk1-3", JoinCode: "CCCC3333"}
	for _, c := range []*server.Class{&english, &chinese} {
		if err := store.CreateClass(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	key, err := bundle.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	m := teachingModels{checkModel: "../../" + releasedCheckModel, gradeModel: "../../testdata/tiny-model",
		lexicon: "../../data/errors", explanations: "../../data/explain/en-for-zh.json"}
	cm, err := newClassModels(m, store, key, discard)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if ok, err := cm.publish(ctx, english.ID, server.TaskGEC); !ok || err != nil {
				t.Errorf("publish: %v, %v", ok, err)
			}
		})
	}
	wg.Wait()
	all, err := store.ClassModels(ctx, english.ID)
	if err != nil || len(all) != 1 || all[0].Task != server.TaskGEC || all[0].Version != 1 {
		t.Fatalf("class models %+v (%v), want one gec bundle", all, err)
	}
	man, err := bundle.Verify(os.DirFS(all[0].Dir), key.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := man.Files["explanations.json"]; !ok {
		t.Errorf("the gec bundle lacks the explanations: %v", man.Names())
	}
	if ok, err := cm.publish(ctx, english.ID, server.TaskGrade); ok || err != nil {
		t.Errorf("a float grader was offered to browsers: %v, %v", ok, err)
	}
	if ok, err := cm.publish(ctx, chinese.ID, server.TaskGEC); ok || err != nil {
		t.Errorf("the English checker was published for a Chinese course: %v, %v", ok, err)
	}
}
