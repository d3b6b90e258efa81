// Package source reads the world driftd compares with the desired state:
// the Okta app through okta-sdk-golang, the W&B env from a dotenv file, from
// Terraform state (a helm_release's values rendered by the driftd-helm-render
// program, so Helm is never linked here) or from Kubernetes, and the
// issuer's discovery document; with the retry policy and the per-org rate
// budget they share.
// One file per source. Each reader returns checks' observation types or an
// error that says what could not be read; it never decides drift.
//
// It may import checks; it must not import anything of daemon, cmd or
// internal.
package source
