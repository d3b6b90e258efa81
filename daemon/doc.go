// Package daemon is everything in driftd that acts: the configuration, the
// engine that observes targets and evaluates the checks, the one reconcile
// path (Runner) that cron, the HTTP API, the CLI and Slack approvals share,
// the Terraform runner and its guardrails, the embedded store, the Slack
// alerts with their lifecycle and durable outbox, and the command line.
//
// Reading the world lives in package checks; only this package changes or
// tells the world, and only through the Runner, one run per target at a time.
package daemon
