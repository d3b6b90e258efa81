// Package report is the vocabulary of a run's outcome: a target's result
// (status, findings, observation errors), what remediation did, the errors
// of the run path (busy, unusable plan), and the contract's text and JSON
// renderings and exit code.
//
// It imports only checks; every other daemon package may import it.
package report
