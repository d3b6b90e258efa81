// Package bootstrap is `driftd init` (contract section 12): it reads a
// working W&B + Okta single sign-on install with the same readers `check`
// uses, and renders what driftd needs to keep it: a config whose desired
// state is today's, every derived value commented with where it came from,
// and an import-ready Terraform root module for the real okta provider.
//
// It only reads: it never writes to Okta or W&B, and it renders bytes;
// writing files (never over an existing one) is the caller's. It imports
// checks and checks/source, never daemon or its other sub-packages.
package bootstrap
