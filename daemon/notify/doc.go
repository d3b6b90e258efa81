// Package notify is what all notifiers share: the pure, clock-injected
// decision of which alert is due (new, changed, reminder, resolved,
// remediation failed, new plan), the durable outbox's deliverer with its
// retry policy, and the log sink. Each notifier lives in a sub-package.
//
// It may import checks, report, config and store; it must not import a
// notifier sub-package, the readers (checks/source), Terraform, the API,
// events, bootstrap or the daemon.
package notify
