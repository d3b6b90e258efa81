// Command driftd-helm-render derives the env W&B's pods get from a
// helm_release's values, rendering W&B's chart with Helm's own engine
// (package internal/helmrender). driftd starts it only to read a Terraform
// state that holds a helm_release, so Helm's packages never initialise in
// driftd's own start-up. Install it next to the driftd executable or on
// PATH (or name it in DRIFTD_HELM_RENDER).
//
// It reads one JSON request (helmrender.Request) on stdin and writes one
// JSON response (helmrender.Response) on stdout; an error goes to stderr
// with exit status 1. Values travel on stdin, never on the command line,
// and an error never quotes a set's value.
//
// It imports only the standard library, Helm and internal/helmrender: no
// daemon, checks or other internal package (internal/layout's onlyImports).
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/driftd/driftd/internal/helmrender"
)

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintln(os.Stderr, "driftd-helm-render takes no arguments: driftd starts it with a JSON request on stdin")
		os.Exit(2)
	}
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	raw, err := io.ReadAll(io.LimitReader(in, helmrender.MaxRequestBytes+1))
	if err != nil {
		return fmt.Errorf("reading the request: %w", err)
	}
	if len(raw) > helmrender.MaxRequestBytes {
		return errors.New("the request is larger than 8 MiB, the most driftd-helm-render reads")
	}
	var req helmrender.Request
	if err := json.Unmarshal(raw, &req); err != nil {
		return fmt.Errorf("decoding the request: %w", err)
	}
	resp, err := helmrender.Derive(req)
	if err != nil {
		return err
	}
	if err := json.NewEncoder(out).Encode(resp); err != nil {
		return fmt.Errorf("writing the response: %w", err)
	}
	return nil
}
