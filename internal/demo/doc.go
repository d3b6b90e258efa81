// Package demo is `driftd demo`: the whole loop (in sync, broken by an
// admin, detected, alerted, fixed through Terraform, resolved) against the
// built-in simulators, with no credentials.
//
// It wires the daemon like cmd does; nothing but cmd imports it.
package demo
