package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/driftd/driftd/internal/fixture"
)

// runCLI runs the command line in-process and fails the test if a secret
// shows in its output.
func runCLI(t testing.TB, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	if leaks := fixture.Leaks(out.String(), errb.String()); len(leaks) > 0 {
		t.Fatalf("a secret leaked into the output of %v:\n%s\n%s", args, out.String(), errb.String())
	}
	return code, out.String(), errb.String()
}
