//go:build !wasm

package app

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestBrowserBuildStaysLean checks the layering rule of DESIGN.md for the
// browser: app and the wasm main never link server code, Echo, SQLite or
// database/sql. Everything linked into app.wasm is downloaded by every
// learner, and server code in it once doubled its size.
func TestBrowserBuildStaysLean(t *testing.T) {
	forbidden := []string{
		"github.com/tutor-dev/tutor/server",
		"github.com/tutor-dev/tutor/kernels/cuda",
		"github.com/labstack/echo",
		"github.com/mattn/go-sqlite3",
		"database/sql", // database/sql/driver (via github.com/google/uuid) is only interfaces
	}
	for _, target := range []struct {
		env []string
		pkg string
	}{
		{[]string{"GOOS=js", "GOARCH=wasm"}, "github.com/tutor-dev/tutor/wasm/app"},
		{nil, "github.com/tutor-dev/tutor/app"},
	} {
		cmd := exec.Command("go", "list", "-deps", target.pkg)
		cmd.Env = append(os.Environ(), target.env...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", target.pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range forbidden {
				if dep == f || strings.HasPrefix(dep, f+"/") && f != "database/sql" {
					t.Errorf("%s %s depends on %s", strings.Join(target.env, " "), target.pkg, dep)
				}
			}
		}
	}
}
