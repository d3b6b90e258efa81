package layout

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/driftd/driftd"

// forbidden maps a package (relative to the module) to the packages its
// non-test files must not import; a trailing "/..." covers a subtree. The
// same rules are stated in each package's doc comment.
var forbidden = map[string][]string{
	"checks":                     {"daemon/...", "cmd/...", "internal/..."},
	"checks/source":              {"daemon/...", "cmd/...", "internal/..."},
	"daemon/report":              {"daemon", "daemon/config", "daemon/store", "daemon/terraform", "daemon/notify/...", "daemon/api", "checks/source", "cmd/...", "internal/..."},
	"daemon/config":              {"daemon", "daemon/report", "daemon/store", "daemon/terraform", "daemon/notify/...", "daemon/api", "cmd/...", "internal/..."},
	"daemon/store":               {"daemon", "daemon/config", "daemon/terraform", "daemon/notify/...", "daemon/api", "checks/source", "cmd/...", "internal/..."},
	"daemon/terraform":           {"daemon", "daemon/store", "daemon/notify/...", "daemon/api", "cmd/...", "internal/..."},
	"daemon/notify":              {"daemon", "daemon/terraform", "daemon/api", "daemon/notify/slack", "daemon/notify/alertmanager", "cmd/...", "internal/..."},
	"daemon/notify/slack":        {"daemon", "daemon/terraform", "daemon/api", "daemon/notify/alertmanager", "cmd/...", "internal/..."},
	"daemon/notify/alertmanager": {"daemon", "daemon/terraform", "daemon/api", "daemon/notify/slack", "cmd/...", "internal/..."},
	"daemon/api":                 {"daemon", "daemon/store", "daemon/terraform", "daemon/notify/...", "checks/source", "cmd/...", "internal/..."},
	"daemon/events":              {"daemon", "daemon/api", "daemon/terraform", "daemon/notify/...", "cmd/...", "internal/..."},
	"daemon":                     {"cmd/...", "internal/..."},
	"internal/fixture":           {"daemon/...", "cmd/...", "internal/demo"},
	"internal/example":           {"daemon/...", "cmd/...", "internal/demo"},
	"internal/oktasim":           {"daemon/...", "cmd/...", "checks/..."},
	"internal/slacksim":          {"daemon/...", "cmd/...", "checks/..."},
	"internal/wandbsim":          {"daemon/...", "cmd/..."},
	"internal/fakeclock":         {"daemon/...", "cmd/...", "checks/...", "internal/..."},
	"internal/helmrender":        {"daemon/...", "cmd/...", "checks/source", "internal/..."},
}

// outsideDriftd maps a module path prefix to the only packages (relative to
// the module, a trailing "/..." covering a subtree) whose non-test files may
// import it. Helm's packages initialise a JSON-schema compiler, the
// Kubernetes scheme and OpenAPI models (10 ms and 20 MB of every command's
// start-up), so only the driftd-helm-render program links them.
var outsideDriftd = map[string][]string{
	"helm.sh/": {"internal/helmrender", "cmd/driftd-helm-render"},
}

func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("module root not found from %s: %v", dir, err)
	}
	return dir
}

// goFiles returns every .go file of the module, relative to its root.
func goFiles(t *testing.T, top string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && p != top {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".go") {
			rel, _ := filepath.Rel(top, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

func matches(pattern, pkg string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == base || strings.HasPrefix(pkg, base+"/")
	}
	return pkg == pattern
}

func TestImportsPointOneWay(t *testing.T) {
	top := root(t)
	fset := token.NewFileSet()
	for _, rel := range goFiles(t, top) {
		if strings.HasSuffix(rel, "_test.go") {
			continue
		}
		pkg := filepath.ToSlash(filepath.Dir(rel))
		f, err := parser.ParseFile(fset, filepath.Join(top, rel), nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		rules := forbidden[pkg]
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			for prefix, allowed := range outsideDriftd {
				if strings.HasPrefix(path, prefix) && !slices.ContainsFunc(allowed, func(a string) bool { return matches(a, pkg) }) {
					t.Errorf("%s imports %s, which only %s may import", rel, path, strings.Join(allowed, " and "))
				}
			}
			dep, ok := strings.CutPrefix(path, module+"/")
			if !ok {
				continue
			}
			for _, rule := range rules {
				if matches(rule, dep) {
					t.Errorf("%s imports %s, which package %s must not import (rule %q)", rel, dep, pkg, rule)
				}
			}
		}
	}
}

func TestEveryPackageSaysWhatItOwns(t *testing.T) {
	top := root(t)
	documented := map[string]bool{}
	seen := map[string]bool{}
	fset := token.NewFileSet()
	for _, rel := range goFiles(t, top) {
		if strings.HasSuffix(rel, "_test.go") {
			continue
		}
		dir := filepath.ToSlash(filepath.Dir(rel))
		seen[dir] = true
		f, err := parser.ParseFile(fset, filepath.Join(top, rel), nil, parser.PackageClauseOnly|parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		if f.Doc != nil && len(strings.TrimSpace(f.Doc.Text())) > 40 {
			documented[dir] = true
		}
	}
	for dir := range seen {
		if !documented[dir] {
			t.Errorf("package %s has no doc comment saying what it owns", dir)
		}
	}
}

func TestNoFileOrFunctionOutgrowsAReader(t *testing.T) {
	const maxFileLines, maxFuncLines = 500, 80
	top := root(t)
	fset := token.NewFileSet()
	for _, rel := range goFiles(t, top) {
		f, err := parser.ParseFile(fset, filepath.Join(top, rel), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		if n := fset.File(f.Pos()).LineCount(); n >= maxFileLines {
			t.Errorf("%s has %d lines; split it below %d", rel, n, maxFileLines)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			if n := fset.Position(fd.End()).Line - fset.Position(fd.Pos()).Line + 1; n > maxFuncLines {
				t.Errorf("%s: %s has %d lines; split it below %d", rel, fd.Name.Name, n, maxFuncLines)
			}
		}
	}
}
