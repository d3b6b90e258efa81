// Package terraform fixes drift through Terraform: it plans with the
// desired values to a saved plan file, summarises the plan (masking
// sensitive values), checks it against the guardrails, applies exactly that
// file and leaves verification to the run path.
//
// It may import checks, checks/source, config and report; it must not import
// the store, the notifiers, the API or the daemon.
package terraform
