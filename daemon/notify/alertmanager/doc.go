// Package alertmanager is the Alertmanager notifier: it posts driftd's alerts
// to Alertmanager's v2 API (POST /api/v2/alerts) through the durable outbox,
// one alert per drifting check (alertname DriftdDrift) and one per target
// whose sources stay unreadable past error_after (DriftdError), resolved with
// an endsAt when the drift or the error is gone.
//
// Alertmanager resolves an alert whose endsAt passes without a re-post, so
// firing alerts are re-posted every resend_interval (a sweep of the stored
// state, independent of the schedule) with endsAt three intervals after the
// post: two lost posts in a row never resolve an alert, and a driftd that
// stopped has its alerts resolved by Alertmanager (its absence is what the
// no-successful-pass alerting rule pages on).
//
// It may import checks, report, config, store and notify; it must not
// import the readers (checks/source), Terraform, the API, events,
// bootstrap, the daemon or another notifier.
package alertmanager
