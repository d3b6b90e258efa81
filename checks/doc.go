// Package checks holds driftd's model of the desired single sign-on wiring
// between a W&B server and its Okta OIDC app, the observations read from the
// world, and the checks that compare the two.
//
// A check is a pure function of (Desired, Observed) returning Findings: no
// I/O happens inside one, so every rule is covered by table tests. The
// adapters that read the world (the Okta API, a W&B env source, the issuer's
// discovery document) live beside the checks that use them but are only
// called by the daemon's reconcile path; observation errors travel separately
// from findings so a failed read is never mistaken for drift.
package checks
