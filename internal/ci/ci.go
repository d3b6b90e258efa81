// Package ci says whether this is a CI run and ends a test whose tool is
// missing accordingly: in CI it fails, so coverage can never silently
// vanish; on a developer's machine it skips.
//
// It is test support every driftd test package may use, the Kubernetes
// harness (internal/kubetest) included, so it imports nothing from driftd.
package ci

import (
	"os"
	"strconv"
	"testing"
)

// On reports whether $CI says this is a CI run (any true boolean: true,
// TRUE, 1), as .ci/run sets it.
func On() bool {
	ci, _ := strconv.ParseBool(os.Getenv("CI"))
	return ci
}

// MissingTool ends a test whose tool (a binary .ci/run installs) is
// missing: under CI it fails, elsewhere it skips. A testing.TB that does
// not stop the test (a recorder) sees exactly one of the two.
func MissingTool(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if On() {
		tb.Fatalf("CI is set: "+format, args...)
		return
	}
	tb.Skipf(format, args...)
}
