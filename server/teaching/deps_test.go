package teaching

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayering checks the package doc's rules: the HTTP layer never links a
// model (it knows only its Checker and Grader interfaces), and this adapter
// never links the HTTP layer, the store or net/http.
func TestLayering(t *testing.T) {
	for pkg, forbidden := range map[string][]string{
		"github.com/tutor-dev/tutor/server/api": {"github.com/tutor-dev/tutor/model", "github.com/tutor-dev/tutor/kernels"},
		"github.com/tutor-dev/tutor/server/teaching": {"github.com/tutor-dev/tutor/server/api", "github.com/tutor-dev/tutor/server/sqlite",
			"net/http", "database/sql", "github.com/labstack/echo"},
	} {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range forbidden {
				if dep == f || strings.HasPrefix(dep, f+"/") {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}
