// Package events turns Okta change events into runs: the System Log
// follower (one per org, its cursor in the store), the index from an
// event's target ids to the driftd targets they concern, and the queue that
// coalesces a burst of events for one target into one run of the daemon's
// one run path (trigger "event"). Event Hook deliveries enter through
// Dispatcher.Offer like the follower's pages; Kubernetes watches
// (kubernetes.go) queue the target whose watched object changed.
//
// It may import checks/source, daemon/config, daemon/report and
// daemon/store; it must not import daemon, daemon/api, the notifiers,
// Terraform, cmd or internal.
package events
