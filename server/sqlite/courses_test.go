package sqlite

import (
	"context"
	"reflect"
	"testing"

	"github.com/tutor-dev/tutor/app/course"
	"github.com/tutor-dev/tutor/server"
)

func testPack(id, title string, units, itemsPerLesson int) course.Pack {
	c := course.Course{ID: id, Title: title, TargetLang: "en", SourceLang: "zh-CN", Description: "for tests"}
	for u := range units {
		lesson := course.Lesson{ID: "l1", Title: "Lesson"}
		for i := range itemsPerLesson {
			lesson.Items = append(lesson.Items, course.Item{
				ID: string(rune('a'+u)) + string(rune('0'+i)), Kind: course.KindVocab, Level: "A1",
				Skills: []string{"vocabulary"}, Prompt: "apple", Answers: []string{"苹果"}, Word: "apple",
			})
		}
		c.Units = append(c.Units, course.Unit{ID: string(rune('a' + u)), Title: "Unit", Lessons: []course.Lesson{lesson}})
	}
	return course.Pack{Schema: course.SchemaVersion, Course: c}
}

func TestCourses(t *testing.T) {
	ctx := context.Background()
	db, _ := mustOpen(t)
	list, err := db.ListCourses(ctx)
	if err != nil || list == nil || len(list) != 0 {
		t.Fatalf("ListCourses on a new database = %#v, %v; want an empty, non-nil list", list, err)
	}
	_, err = db.Course(ctx, "en-zh")
	wantCode(t, err, server.ENOTFOUND)

	zh := testPack("zh-en", "Chinese HSK 1-3", 1, 2)
	en := testPack("en-zh", "English for Chinese speakers", 2, 3)
	for _, p := range []course.Pack{zh, en} {
		if err := db.ImportCourse(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.Course(ctx, "en-zh")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, en) {
		t.Errorf("Course(en-zh) = %+v, want the imported pack %+v", got, en)
	}
	list, err = db.ListCourses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []course.Summary{zh.Course.Summarize(), en.Course.Summarize()} // by title
	if !reflect.DeepEqual(list, want) {
		t.Errorf("ListCourses = %+v, want %+v", list, want)
	}

	// Importing again replaces the course whole.
	en2 := testPack("en-zh", "English, second edition", 1, 1)
	if err := db.ImportCourse(ctx, en2); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Course(ctx, "en-zh"); !reflect.DeepEqual(got, en2) {
		t.Errorf("after re-import Course = %+v, want %+v", got, en2)
	}
	list, _ = db.ListCourses(ctx)
	if len(list) != 2 || list[1] != en2.Course.Summarize() {
		t.Errorf("after re-import ListCourses = %+v", list)
	}

	wantCode(t, db.ImportCourse(ctx, testPack("", "No ID", 1, 1)), server.EINVALID)
}
