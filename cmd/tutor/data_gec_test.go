package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestDataGECRefusesBadInput: an empty split or a missing corpus is an
// error that says what to do, before anything is written.
func TestDataGECRefusesBadInput(t *testing.T) {
	out := filepath.Join(t.TempDir(), "gec")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--val", "0"}, "--val 0: each split needs at least one example"},
		{[]string{"--corpus", filepath.Join(t.TempDir(), "none.txt")}, "tutor data corpus"},
	} {
		args := append([]string{"data", "gec", "--out", out, "--test-out", "", "--lexicon", "../../data/errors"}, tc.args...)
		if err := run(args); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want %q", tc.args, err, tc.want)
		}
	}
}
