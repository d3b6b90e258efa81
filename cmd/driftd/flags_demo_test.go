//go:build demo

package main

import (
	"strings"
	"testing"
)

// The simulators' commands, as a build with the demo tag has them.
func TestDemoAndSimHelpExitZeroWithTheirOwnUsage(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		usage string
	}{
		{"demo --help shows demo's usage", []string{"demo", "--help"}, "driftd demo [--keep-running] [--listen ADDR] [--okta-listen ADDR]"},
		{"sim okta --help shows the Okta simulator's usage", []string{"sim", "okta", "--help"}, "driftd sim okta [--listen ADDR] [--token T]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, tc.args...)
			if code != ExitOK {
				t.Fatalf("exit %d, want 0\n%s%s", code, out, stderr)
			}
			if !strings.Contains(out, tc.usage) {
				t.Errorf("help lacks %q:\n%s", tc.usage, out)
			}
		})
	}
}

func TestSimRefusesUnknownSimulatorsAndArgumentsByName(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"an extra argument to sim okta is named", []string{"sim", "okta", "now"}, `unexpected argument "now"`},
		{"an unknown simulator is an unknown command", []string{"sim", "bogus"}, `unknown command "bogus" for "driftd sim"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, tc.args...)
			if code != ExitError {
				t.Fatalf("exit %d, want 1\n%s%s", code, out, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, stderr)
			}
		})
	}
}
