// Package depcheck is the import rule that the browser-side model packages
// (model/gec, model/difficulty) state in their doc comments, as one check
// their tests share: the standard library only, neither net/http nor
// database/sql, and a build for js/wasm.
//
// It is imported by tests only; it uses the standard library and the go
// tool, and must not import any tutor package.
package depcheck

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// StandardLibraryOnly fails t when the package in the test's directory
// depends on anything outside the standard library, depends on net/http or
// database/sql, or does not build for js/wasm. It skips where there is no
// go tool.
func StandardLibraryOnly(t *testing.T) {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	// DepOnly leaves out the package itself.
	for _, dep := range goList(t, goTool, "{{if and .DepOnly (not .Standard)}}{{.ImportPath}}{{end}}") {
		t.Errorf("depends on %s, which is not in the standard library", dep)
	}
	for _, dep := range goList(t, goTool, "{{.ImportPath}}") {
		if dep == "net/http" || dep == "database/sql" {
			t.Errorf("depends on %s", dep)
		}
	}
	cmd := exec.Command(goTool, "build", "-o", os.DevNull, ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("does not build for js/wasm: %v\n%s", err, out)
	}
}

// goList prints the package in the current directory and its dependencies
// with format, one a line, and returns the lines that are not empty.
func goList(t *testing.T, goTool, format string) []string {
	t.Helper()
	out, err := exec.Command(goTool, "list", "-deps", "-f", format, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	return strings.Fields(string(out))
}
