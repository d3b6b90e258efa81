package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/driftd/driftd/daemon/config"
	slacknotify "github.com/driftd/driftd/daemon/notify/slack"
)

func (c *cli) slackCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:                   "slack test --config FILE [--target NAME]",
		Short:                 "Check the Slack setup",
		DisableFlagsInUseLine: true,
		Args:                  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return fmt.Errorf("name a subcommand: %s test", cmd.CommandPath())
		},
	}
	var file, target string
	test := &cobra.Command{
		Use:   "test --config FILE [--target NAME]",
		Short: "Post a test message as an alert would, and explain a failure",
		Long: `Post a test message through the configured sender (bot or webhook), to the
target's channel with --target (targets[].slack.channel, else slack.channel),
and explain a failure: a missing scope, a bot not in the channel, an unknown
channel, a bad token, a revoked webhook.

Exit codes: 0 posted, 1 not.`,
		DisableFlagsInUseLine: true,
		Args:                  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c.code = c.slackTest(cmd.Context(), file, target)
			return nil
		},
	}
	configFlag(test, &file)
	test.Flags().StringVar(&target, "target", "", "post to this target's channel")
	cmd.AddCommand(test)
	return cmd
}

func (c *cli) slackTest(ctx context.Context, file, target string) int {
	cfg, err := loadFromFlag(file, config.ForSlack, target)
	if err != nil {
		fmt.Fprintf(c.stderr, "driftd: %v\n", err)
		return ExitError
	}
	if cfg.Slack == nil {
		fmt.Fprintln(c.stderr, "driftd slack test: the config has no slack section: alerts go to the log")
		return ExitError
	}
	if target != "" {
		if _, err := cfg.Select(target); err != nil {
			fmt.Fprintf(c.stderr, "driftd slack test: %v\n", err)
			return ExitError
		}
	}
	res, err := slacknotify.SendTest(ctx, cfg, target, nil)
	if err != nil {
		fmt.Fprintf(c.stderr, "driftd slack test: %v\n  %s\n", err, slacknotify.Explain(err, res.Channel))
		return ExitError
	}
	if res.Via == "webhook" {
		fmt.Fprintln(c.stdout, "posted a test message through the incoming webhook")
		return ExitOK
	}
	fmt.Fprintf(c.stdout, "posted a test message to %s (channel %s, ts %s)\n", res.Channel, res.Posted, res.TS)
	return ExitOK
}
