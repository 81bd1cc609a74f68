package server

import "time"

// The tasks a class has models for. The browser runs one model of each at
// once, so each task has its own current model.
const (
	TaskGEC   = "gec"   // the grammar checker
	TaskGrade = "grade" // the answer grader
)

// ModelTasks lists the tasks a bundle may be published for.
var ModelTasks = []string{TaskGEC, TaskGrade}

// ModelTask returns the task a request or a release names: "" is the
// grammar checker (bundles from before tasks had their own current model
// name none), and anything but "gec" or "grade" is EINVALID with field
// "task".
func ModelTask(task string) (string, error) {
	switch task {
	case "":
		return TaskGEC, nil
	case TaskGEC, TaskGrade:
		return task, nil
	}
	return "", FieldError("task", "A model's task is %q (the grammar checker) or %q (the answer grader), not %q.",
		TaskGEC, TaskGrade, task)
}

// ModelBundle is a signed model bundle (package model/bundle) published for
// a class. Versions are numbered across the whole server, so a version
// names one bundle of one class; among a class's bundles of one task one
// is current: the model of that task its learners' browsers download.
// Rolling back makes an older version of the task current again; nothing
// is ever deleted.
type ModelBundle struct {
	Version int64
	ClassID int64
	// Task is what the model does (TaskGEC, TaskGrade), as its manifest
	// says; the manifest's "task" field, "gec" when it has none.
	Task   string
	Parent int64 // the version this one replaced as its task's current model (0 for the first)
	// Manifest is the bundle's manifest.json byte for byte as it was signed,
	// and Signature the server's ed25519 signature of it: clients check the
	// signature over exactly these bytes.
	Manifest  []byte
	Signature []byte
	Dir       string // the bundle's folder on the server's disk
	CreatedAt time.Time
	Current   bool
}
