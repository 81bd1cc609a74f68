package checker

import (
	"os/exec"
	"strings"
	"testing"
)

// TestStaysOffTheServer: the checker runs on the command line and behind
// any server, so it must not pull in the server, the app, HTTP or SQL
// (doc.go).
func TestStaysOffTheServer(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		switch {
		case dep == "net/http", dep == "database/sql",
			strings.HasPrefix(dep, "github.com/tutor-dev/tutor/server"),
			dep == "github.com/tutor-dev/tutor/app" || strings.HasPrefix(dep, "github.com/tutor-dev/tutor/app/"):
			t.Errorf("the checker depends on %s", dep)
		}
	}
}
