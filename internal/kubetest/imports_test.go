package kubetest

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportsNothingFromDriftd holds the package doc's promise: kubetest is
// test support that every driftd package may use, so it must not import any
// but internal/ci, a leaf that imports none (internal/layout checks that).
func TestImportsNothingFromDriftd(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatalf("parsing %s: %v", name, err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(path, "github.com/driftd/driftd") && path != "github.com/driftd/driftd/internal/ci" {
				t.Errorf("%s imports %s", name, path)
			}
		}
	}
}
