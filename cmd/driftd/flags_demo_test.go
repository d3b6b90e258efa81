//go:build demo

package main

import "testing"

// The simulators' commands, as a build with the demo tag has them.
func TestDemoAndSimHelpExitZeroWithTheirOwnUsage(t *testing.T) {
	expectUsage(t, []cliCase{
		{"demo --help shows demo's usage", []string{"demo", "--help"}, "driftd demo [--keep-running] [--listen ADDR] [--okta-listen ADDR]"},
		{"sim okta --help shows the Okta simulator's usage", []string{"sim", "okta", "--help"}, "driftd sim okta [--listen ADDR] [--token T]"},
	})
}

func TestSimRefusesUnknownSimulatorsAndArgumentsByName(t *testing.T) {
	expectRefused(t, []cliCase{
		{"an extra argument to sim okta is named", []string{"sim", "okta", "now"}, `unexpected argument "now"`},
		{"an unknown simulator is an unknown command", []string{"sim", "bogus"}, `unknown command "bogus" for "driftd sim"`},
	})
}
