// Package envassert compares a container environment, as a source or a
// chart rendering produced it, with what a test expects. It is a test
// helper shared by the packages that derive W&B's env (checks/source and
// internal/helmrender); production code never imports it.
package envassert

import "testing"

// Env checks the keys in want (an empty want value must be present and
// empty) and that every key in absent is missing.
func Env(t testing.TB, got map[string]string, want map[string]string, absent []string) {
	t.Helper()
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("%s is missing; want %q (env: %v)", k, w, got)
			continue
		}
		if g != w {
			t.Errorf("%s = %q, want %q", k, g, w)
		}
	}
	for _, k := range absent {
		if g, ok := got[k]; ok {
			t.Errorf("%s = %q, want it unset", k, g)
		}
	}
}
