// Package store is driftd's embedded store (bbolt under state_dir): run
// history with retention, drift episodes, alert state and the durable
// outbox, and remediation backoff, with schema migrations and one writer
// per state_dir.
//
// It may import checks and daemon/report; it must not import config, the
// notifiers, the API, Terraform or the daemon.
package store
