// Package config loads driftd's YAML configuration: strict decoding with
// key paths in every error, ${VAR} expansion, defaults and validation in one
// place, and the Secret type that never prints its value. `driftd validate`
// runs exactly this code. Its regular expressions compile on first use
// (sync.OnceValue): a package-level MustCompile runs in every command's
// start-up, `driftd version` included.
//
// It may import checks and checks/source; it must not import the daemon or
// any of its other packages.
package config
