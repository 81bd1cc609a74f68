package gec

import (
	"testing"

	"github.com/tutor-dev/tutor/model/internal/depcheck"
)

// TestImportsOnlyTheStandardLibrary: the package runs in the browser and
// on the server, so it stays free of the tutor's other packages and of any
// module (doc.go).
func TestImportsOnlyTheStandardLibrary(t *testing.T) { depcheck.StandardLibraryOnly(t) }
