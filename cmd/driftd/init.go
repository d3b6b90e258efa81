package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/driftd/driftd/daemon"
	"github.com/driftd/driftd/daemon/bootstrap"
)

type initOptions struct {
	bootstrap.Options
	out           string
	acceptCurrent bool
}

func (c *cli) initCommand() *cobra.Command {
	o := &initOptions{}
	cmd := &cobra.Command{
		Use:   "init --okta-org-url URL --wandb-url URL (--env-file F | --kube-deployment NS/NAME | --kube-wandb NS/NAME) [--out DIR] [--accept-current]",
		Short: "Write a config and an import-ready Terraform module from a working install",
		Long: `Read a working W&B + Okta SSO install and write what driftd needs to keep it:
DIR/driftd.yaml, one target whose desired state is what works today, and
DIR/terraform/, a root module for the okta provider with an import block for
each object read, so that the first terraform plan imports and changes nothing.

The W&B side is read from an env file, a Deployment or a WeightsAndBiases
resource; the Okta app is the one whose client id W&B uses, found with the
org's API token in OKTA_API_TOKEN. init only reads: it never writes to Okta,
W&B or an existing file.

Exit codes: 0 written, 2 today's state already fails a check (nothing
written; --accept-current writes it with the findings as comments), 1 error
(including an app that cannot be found by client id, or more than one).`,
		DisableFlagsInUseLine: true,
		Args:                  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c.code = c.runInit(cmd.Context(), o)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.OktaOrgURL, "okta-org-url", "", "the Okta org, e.g. https://acme.okta.com")
	f.StringVar(&o.WandbURL, "wandb-url", "", "the W&B server's URL, e.g. https://wandb.acme.com")
	f.StringVar(&o.EnvFile, "env-file", "", "read the W&B side from this dotenv file")
	f.StringVar(&o.KubeDeployment, "kube-deployment", "", "read the W&B side from this Deployment (NAMESPACE/NAME)")
	f.StringVar(&o.KubeWandb, "kube-wandb", "", "read the W&B side from this WeightsAndBiases resource (NAMESPACE/NAME)")
	f.StringVar(&o.out, "out", "./driftd-init", "the directory to write into")
	f.BoolVar(&o.acceptCurrent, "accept-current", false, "write even when today's state fails a check (the findings become comments)")
	return cmd
}

func (c *cli) runInit(ctx context.Context, o *initOptions) int {
	fail := func(err error) int {
		fmt.Fprintf(c.stderr, "driftd init: %v\n", err)
		return ExitError
	}
	if err := o.validate(); err != nil {
		return fail(err)
	}
	o.OktaToken = os.Getenv("OKTA_API_TOKEN")
	if o.OktaToken == "" {
		return fail(errors.New("OKTA_API_TOKEN is not set: init reads Okta with the org's API token (Security > API > Tokens; read-only is enough)"))
	}
	log := c.logger(c.stderr, slog.LevelWarn)
	res, err := daemon.Init(ctx, o.Options, o.out, o.acceptCurrent, log)
	if err != nil {
		return fail(err)
	}
	if len(res.Written) == 0 {
		_ = res.Report.WriteText(c.stdout)
		if res.Report.ExitCode() == ExitError {
			fmt.Fprintln(c.stderr, "driftd init: today's state could not be read in full (above); nothing written")
			return ExitError
		}
		fmt.Fprintln(c.stderr, "driftd init: today's state already fails the checks above, so it is not written down as the desired state.\n"+
			"Fix it first, or write it anyway with --accept-current (the findings become comments).")
		return ExitDrift
	}
	if res.Report.ExitCode() != ExitOK {
		_ = res.Report.WriteText(c.stdout)
	}
	for _, f := range res.Written {
		fmt.Fprintf(c.stdout, "wrote %s\n", f)
	}
	fmt.Fprintf(c.stdout, "\nNext:\n  driftd validate --config %[1]s/driftd.yaml\n  driftd check --config %[1]s/driftd.yaml\n"+
		"  (cd %[1]s/terraform && terraform init && terraform plan)   # imports only, no change\n", o.out)
	return ExitOK
}

// validate refuses a missing flag or more than one W&B source, naming it.
func (o *initOptions) validate() error {
	switch {
	case o.OktaOrgURL == "":
		return errors.New("--okta-org-url is required")
	case o.WandbURL == "":
		return errors.New("--wandb-url is required")
	}
	n := 0
	for _, s := range []string{o.EnvFile, o.KubeDeployment, o.KubeWandb} {
		if s != "" {
			n++
		}
	}
	if n != 1 {
		return errors.New("name exactly one of --env-file, --kube-deployment and --kube-wandb")
	}
	return nil
}
