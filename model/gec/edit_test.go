package gec

import (
	"strings"
	"testing"
)

func TestApply(t *testing.T) {
	tests := []struct {
		text  string
		edits []Edit
		want  string
	}{
		{"I ate a apple.", []Edit{{Start: 6, End: 7, Replacement: "an"}}, "I ate an apple."},
		{"He very happy", []Edit{{Start: 3, End: 3, Replacement: "is "}, {Start: 13, End: 13, Replacement: "."}}, "He is very happy."},
		{"the the cat", []Edit{{Start: 3, End: 7, Replacement: ""}}, "the cat"},
		// Offsets count characters: "，" is one, though three bytes.
		{"我说，i like tea。", []Edit{{Start: 2, End: 3, Replacement: ", "}, {Start: 3, End: 4, Replacement: "I"}, {Start: 13, End: 14, Replacement: "."}}, "我说, I like tea."},
		{"no change", nil, "no change"},
	}
	for _, tt := range tests {
		got, err := Apply(tt.text, tt.edits)
		if err != nil || got != tt.want {
			t.Errorf("Apply(%q) = %q, %v; want %q", tt.text, got, err, tt.want)
		}
	}
}

func TestApplyRefusesBadEdits(t *testing.T) {
	tests := []struct {
		name  string
		edits []Edit
		want  string
	}{
		{"past the end", []Edit{{Start: 3, End: 9}}, "outside"},
		{"negative", []Edit{{Start: -1, End: 1}}, "outside"},
		{"backwards", []Edit{{Start: 3, End: 2}}, "outside"},
		{"overlap", []Edit{{Start: 0, End: 3}, {Start: 2, End: 4}}, "overlaps"},
		{"unsorted", []Edit{{Start: 4, End: 5}, {Start: 0, End: 1}}, "overlaps"},
		{"two insertions at one point", []Edit{{Start: 2, End: 2, Replacement: "a"}, {Start: 2, End: 2, Replacement: "b"}}, "overlaps"},
	}
	for _, tt := range tests {
		_, err := Apply("abcdef", tt.edits)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want one saying %q", tt.name, err, tt.want)
		}
	}
	// An insertion right after a replacement is not ambiguous.
	if got, err := Apply("abc", []Edit{{Start: 0, End: 1, Replacement: "X"}, {Start: 1, End: 1, Replacement: "Y"}}); err != nil || got != "XYbc" {
		t.Errorf("replacement then insertion: %q, %v", got, err)
	}
}

func TestExampleCheck(t *testing.T) {
	good := Example{Corrupted: "She go.", Correct: "She goes.", Edits: []Edit{{Start: 4, End: 6, Replacement: "goes", Type: Agreement}}}
	if err := good.Check(); err != nil {
		t.Fatal(err)
	}
	wrongResult := good
	wrongResult.Correct = "She went."
	if err := wrongResult.Check(); err == nil || !strings.Contains(err.Error(), "not the correct") {
		t.Errorf("a wrong correction passes: %v", err)
	}
	unknownType := good
	unknownType.Edits = []Edit{{Start: 4, End: 6, Replacement: "goes", Type: "grammar"}}
	if err := unknownType.Check(); err == nil || !strings.Contains(err.Error(), "unknown error type") {
		t.Errorf("an unknown type passes: %v", err)
	}
}

func TestBuildUndoesChanges(t *testing.T) {
	clean := "Yesterday，I went to the park."
	changes := []change{
		{start: len("Yesterday，I went to "), end: len("Yesterday，I went to the "), typ: Article},
		{start: len("Yesterday，I "), end: len("Yesterday，I went"), wrong: "go", typ: Tense},
	}
	ex, err := build(clean, changes)
	if err != nil {
		t.Fatal(err)
	}
	if ex.Corrupted != "Yesterday，I go to park." || ex.Check() != nil {
		t.Fatalf("got %+v (%v)", ex, ex.Check())
	}
	if ex.Edits[0].Start != 12 || ex.Edits[0].Type != Tense {
		t.Errorf("first edit %+v: want the verb at character 12", ex.Edits[0])
	}
	if _, err := build(clean, []change{{start: 0, end: 4}, {start: 4, end: 6}}); err == nil {
		t.Error("changes that meet were accepted")
	}
}

func TestEditSpan(t *testing.T) {
	e := Edit{Start: 2, End: 3}
	if got := e.Span("我说，好"); got != "，" {
		t.Errorf("Span = %q", got)
	}
	if got := (Edit{Start: 5, End: 9}).Span("abc"); got != "" {
		t.Errorf("Span outside = %q", got)
	}
}
