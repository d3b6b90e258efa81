// Package daemon is driftd's run path and its lifecycle: the Engine that
// observes targets and evaluates the checks, the one reconcile path
// (Runner, one run per target at a time) that cron, the HTTP API, the CLI
// and Slack approvals share, the schedule, and start-up, reload and
// shutdown. It wires the concerns below it: config, store, terraform,
// notify, api and report.
//
// It must not import cmd or internal.
package daemon
