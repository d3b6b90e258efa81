package layout

import (
	"cmp"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
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
	// The CLI wires the daemon: it reads no world itself, and the
	// production build links no simulator, fixture or harness.
	"cmd/driftd":       {"internal/...", "checks/..."},
	"checks":           {"daemon/...", "cmd/...", "internal/..."},
	"checks/source":    {"daemon/...", "cmd/...", "internal/..."},
	"daemon/report":    {"daemon", "daemon/config", "daemon/store", "daemon/terraform", "daemon/notify/...", "daemon/api", "checks/source", "cmd/...", "internal/..."},
	"daemon/config":    {"daemon", "daemon/report", "daemon/store", "daemon/terraform", "daemon/notify/...", "daemon/api", "cmd/...", "internal/..."},
	"daemon/store":     {"daemon", "daemon/config", "daemon/terraform", "daemon/notify/...", "daemon/api", "checks/source", "cmd/...", "internal/..."},
	"daemon/terraform": {"daemon", "daemon/store", "daemon/notify/...", "daemon/api", "cmd/...", "internal/..."},
	// A notifier renders and delivers what a run found: it reads no world
	// (checks/source), runs nothing and serves no HTTP (the approval
	// endpoint is daemon/api's, which calls the daemon, which calls it).
	"daemon/notify":              {"daemon", "daemon/terraform", "daemon/api", "daemon/events", "daemon/bootstrap", "daemon/notify/slack", "daemon/notify/alertmanager", "checks/source", "cmd/...", "internal/..."},
	"daemon/notify/slack":        {"daemon", "daemon/terraform", "daemon/api", "daemon/events", "daemon/bootstrap", "daemon/notify/alertmanager", "checks/source", "cmd/...", "internal/..."},
	"daemon/notify/alertmanager": {"daemon", "daemon/terraform", "daemon/api", "daemon/events", "daemon/bootstrap", "daemon/notify/slack", "checks/source", "cmd/...", "internal/..."},
	"daemon/api":                 {"daemon", "daemon/store", "daemon/terraform", "daemon/notify/...", "checks/source", "cmd/...", "internal/..."},
	"daemon/events":              {"daemon", "daemon/api", "daemon/terraform", "daemon/notify/...", "cmd/...", "internal/..."},
	"daemon":                     {"cmd/...", "internal/..."},
	"internal/fixture":           {"daemon/...", "cmd/...", "internal/demo"},
	"internal/example":           {"daemon/...", "cmd/...", "internal/demo"},
	"internal/oktasim":           {"daemon/...", "cmd/...", "checks/..."},
	"internal/slacksim":          {"daemon/...", "cmd/...", "checks/..."},
	"internal/wandbsim":          {"daemon/...", "cmd/..."},
	"internal/fakeclock":         {"daemon/...", "cmd/...", "checks/...", "internal/..."},
	"internal/ci":                {"daemon/...", "cmd/...", "checks/...", "internal/...", "deploy"},
	// The demo runs the real daemon against the simulators; it is never a
	// test harness's client, nor the CLI's.
	"internal/demo":       {"cmd/...", "internal/fixture", "internal/kubetest", "internal/soak", "internal/chromium", "internal/fakeclock"},
	"internal/helmrender": {"daemon/...", "cmd/...", "checks/source", "internal/..."},
}

// outsideDriftd maps a module path prefix to the only packages (relative to
// the module, a trailing "/..." covering a subtree) whose non-test files may
// import it. Helm's packages initialise a JSON-schema compiler, the
// Kubernetes scheme and OpenAPI models (10 ms and 20 MB of every command's
// start-up), so only the driftd-helm-render program links them.
var outsideDriftd = map[string][]string{
	"helm.sh/": {"internal/helmrender", "cmd/driftd-helm-render"},
	// A test helper (it links package testing): no non-test file at all.
	module + "/internal/envassert": nil,
}

// onlyImports maps a package (relative to the module) to the only
// non-standard-library packages its non-test files may import (full import
// paths, a trailing "/..." covering a subtree). driftd-helm-render is the
// one program that links Helm; it renders a chart and nothing else, so it
// reads no world and links none of driftd's daemon, checks or simulators.
var onlyImports = map[string][]string{
	"cmd/driftd-helm-render": {module + "/internal/helmrender", "helm.sh/..."},
}

// importAllowed says whether pkg's onlyImports rule, if it has one, lets
// its non-test files import path. The standard library (a first path
// element without a dot) is always allowed.
func importAllowed(pkg, path string) bool {
	only, ok := onlyImports[pkg]
	if !ok {
		return true
	}
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".") || slices.ContainsFunc(only, func(a string) bool { return matches(a, path) })
}

// demoForbidden are the rules for files that build only with the demo tag
// (`//go:build demo`): cmd/driftd's demo and sim commands may import the
// demo and the simulators, and still no test harness.
var demoForbidden = map[string][]string{
	"cmd/driftd": {"internal/fixture", "internal/kubetest", "internal/soak", "internal/chromium", "internal/fakeclock", "checks/..."},
}

// simulators are the packages only a build with the demo tag may link.
var simulators = []string{"internal/oktasim", "internal/wandbsim", "internal/slacksim", "internal/demo"}

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

// rulesFor returns the rules for the file at rel (relative to top): those of
// the demo build when the file builds only with the demo tag, else those of
// the production build (a file for another OS keeps the production rules).
func rulesFor(t *testing.T, top, rel string) (string, []string) {
	t.Helper()
	pkg := filepath.ToSlash(filepath.Dir(rel))
	dir, name := filepath.Split(filepath.Join(top, rel))
	inProduction, err := build.Default.MatchFile(dir, name)
	if err != nil {
		t.Fatal(err)
	}
	demo := build.Default
	demo.BuildTags = []string{"demo"}
	inDemo, err := demo.MatchFile(dir, name)
	if err != nil {
		t.Fatal(err)
	}
	if inDemo && !inProduction {
		return pkg + " (-tags demo)", demoForbidden[pkg]
	}
	return pkg, forbidden[pkg]
}

func TestImportsPointOneWay(t *testing.T) {
	top := root(t)
	fset := token.NewFileSet()
	for _, rel := range goFiles(t, top) {
		if strings.HasSuffix(rel, "_test.go") {
			continue
		}
		pkg, rules := rulesFor(t, top, rel)
		f, err := parser.ParseFile(fset, filepath.Join(top, rel), nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if !importAllowed(pkg, path) {
				t.Errorf("%s imports %s; package %s may import only the standard library and %s", rel, path, pkg, strings.Join(onlyImports[pkg], ", "))
			}
			for prefix, allowed := range outsideDriftd {
				if strings.HasPrefix(path, prefix) && !slices.ContainsFunc(allowed, func(a string) bool { return matches(a, pkg) }) {
					t.Errorf("%s imports %s, which only %s may import", rel, path, cmp.Or(strings.Join(allowed, " and "), "test files"))
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

// deps lists the module's packages that cmd/driftd links, built with tags.
func deps(t *testing.T, tags string) map[string]bool {
	t.Helper()
	cmd := exec.Command("go", "list", "-tags="+tags, "-deps", "./cmd/driftd")
	cmd.Dir = root(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps -tags=%s ./cmd/driftd: %v", tags, err)
	}
	linked := map[string]bool{}
	for _, path := range strings.Fields(string(out)) {
		if rel, ok := strings.CutPrefix(path, module+"/"); ok {
			linked[rel] = true
		}
	}
	return linked
}

// TestTheProductionBuildLinksNoSimulator: without tags (the Dockerfile's,
// .ci/run's and the release's build), cmd/driftd links nothing under
// internal/, directly or through another package; with -tags demo it
// links the demo and every simulator, so the list above is not vacuous.
func TestTheProductionBuildLinksNoSimulator(t *testing.T) {
	for pkg := range deps(t, "") {
		if matches("internal/...", pkg) {
			t.Errorf("the production build of cmd/driftd links %s", pkg)
		}
	}
	demo := deps(t, "demo")
	for _, pkg := range simulators {
		if !demo[pkg] {
			t.Errorf("the demo build of cmd/driftd does not link %s: is the demo tag still wired?", pkg)
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

// TestEveryCommandNotifierAndTheDemoHaveARule: a new command (any
// directory under cmd/), notifier (daemon/notify/NAME) or the demo cannot
// grow imports unchecked for want of an entry in forbidden or onlyImports.
func TestEveryCommandNotifierAndTheDemoHaveARule(t *testing.T) {
	top := root(t)
	commands := 0
	for _, rel := range goFiles(t, top) {
		pkg := filepath.ToSlash(filepath.Dir(rel))
		if strings.HasSuffix(rel, "_test.go") || !(matches("cmd/...", pkg) || matches("daemon/notify/...", pkg) || pkg == "internal/demo") {
			continue
		}
		_, deny := forbidden[pkg]
		_, only := onlyImports[pkg]
		if !deny && !only {
			t.Errorf("package %s has no import rule in forbidden or onlyImports", pkg)
		}
		if matches("cmd/...", pkg) {
			commands++
		}
	}
	if commands == 0 {
		t.Error("no command found under cmd/: is the walk still reading the module?")
	}
}

// TestTheHelmRendererMayImportOnlyHelmAndItsRenderer shows the
// onlyImports rule refusing what driftd-helm-render must not link.
func TestTheHelmRendererMayImportOnlyHelmAndItsRenderer(t *testing.T) {
	const pkg = "cmd/driftd-helm-render"
	for path, want := range map[string]bool{
		"encoding/json":                        true,
		module + "/internal/helmrender":        true,
		"helm.sh/helm/v3/pkg/chartutil":        true,
		module + "/daemon":                     false,
		module + "/checks/source":              false,
		module + "/internal/fixture":           false,
		module + "/internal/helmrender/sub":    false,
		"k8s.io/client-go/kubernetes":          false,
		"github.com/driftd/driftd-other/thing": false,
	} {
		if got := importAllowed(pkg, path); got != want {
			t.Errorf("importAllowed(%s, %s) = %v, want %v", pkg, path, got, want)
		}
	}
}
