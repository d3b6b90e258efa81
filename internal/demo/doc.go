// Package demo is `driftd demo`: the whole loop (in sync, broken by an
// admin, detected, alerted in Slack, approved and fixed through Terraform,
// resolved) against the built-in Okta, W&B and Slack simulators, with no
// credentials. The messages it shows are the daemon's own, as the Slack
// simulator recorded them, drawn for a terminal (terminal.go).
//
// It wires the daemon like cmd does; nothing but cmd imports it.
package demo
