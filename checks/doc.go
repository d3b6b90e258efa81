// Package checks holds driftd's model of the desired single sign-on wiring
// between a W&B server and its Okta OIDC app, the observations of the world,
// and the checks that compare the two.
//
// A check is a pure function of (Desired, Observed) returning Findings: no
// I/O happens inside one, so every rule is covered by table tests, and
// observation errors travel separately so a failed read is never drift.
// The readers of the world live in checks/source.
//
// It must not import anything of daemon, cmd or internal.
package checks
