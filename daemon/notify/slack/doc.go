// Package slack is the Slack notifier: Block Kit rendering (golden-tested),
// the Alerter that decides with notify.Decide and queues in the outbox, the
// bot and webhook senders (slack-go), and the signed "Apply" interactions.
//
// It may import checks, report, config, store and notify; it must not
// import Terraform, the API or the daemon.
package slack
