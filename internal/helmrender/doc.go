// Package helmrender derives the env W&B's pods get from a helm_release's
// values, by rendering excerpts of W&B's charts with Helm's own code
// (helm.sh/helm/v3: strvals for the provider's set entries, chartutil for
// dependencies and value coalescing, engine for the templates). It runs in
// its own program, cmd/driftd-helm-render, which driftd starts only to read
// a Terraform state that holds a helm_release: Helm's packages, and the
// Kubernetes packages they pull in, initialise in that program and never in
// driftd's start-up.
//
// It may import checks (the env keys the checks read); it must not import
// checks/source, daemon, cmd or another internal package.
package helmrender
