// Package demo is `driftd demo`: the whole loop (in sync, broken by an
// admin, detected, alerted in Slack, approved and fixed through Terraform,
// resolved) against the built-in Okta, W&B and Slack simulators, with no
// credentials. The messages it shows are the daemon's own, as the Slack
// simulator recorded them, drawn for a terminal (terminal.go).
//
// It wires the daemon like cmd does; nothing but cmd/driftd's demo.go
// imports it, and that file builds only with -tags demo, so the production
// binary links neither the demo nor its simulators (internal/layout's test).
// It must not import cmd or a test harness (fixture, kubetest, soak).
package demo
