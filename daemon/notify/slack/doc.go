// Package slack is the Slack notifier: Block Kit rendering (golden-tested),
// the Alerter that decides with notify.DecideWith and queues in the outbox,
// the bot and webhook senders (slack-go), and the thread replies of an
// approval. The signed "Apply fix" endpoint is daemon/api's.
//
// It may import checks, report, config, store and notify; it must not
// import the readers (checks/source), Terraform, the API, events,
// bootstrap, the daemon or another notifier.
package slack
