package config

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"

	"github.com/driftd/driftd/checks/source"
)

// Command says which sections of a config a command uses, so that it
// requires only their secrets: `driftd check` from cron must not need the
// API's token or Slack's (contract section 11).
type Command int

// Commands, by what they use.
const (
	// ForAll uses every section: serve, validate, a reload.
	ForAll Command = iota
	// ForCheck reads Okta and W&B: no server, Slack, Alertmanager, Event
	// Hook or remediation (Terraform's credential).
	ForCheck
	// ForReconcile also remediates: no server, Slack, Alertmanager or
	// Event Hook.
	ForReconcile
	// ForSlack posts to Slack: no server, Alertmanager, Event Hook or
	// remediation.
	ForSlack
)

// unusedSections are the key paths a command does not use ("[*]" is any
// list index).
var unusedSections = map[Command][]string{
	ForCheck:     {"server", "slack", "alertmanager", "okta.event_hook", "targets[*].slack", "targets[*].remediation"},
	ForReconcile: {"server", "slack", "alertmanager", "okta.event_hook", "targets[*].slack"},
	ForSlack:     {"server", "alertmanager", "okta.event_hook", "targets[*].remediation"},
}

var listIndex = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\[[0-9]+\]`) })

// unused says whether a problem (which starts with its key path) is about
// a section cmd does not use.
func (cmd Command) unused(problem string) bool {
	path := listIndex().ReplaceAllString(keyPath(problem), "[*]")
	for _, s := range unusedSections[cmd] {
		if path == s || strings.HasPrefix(path, s+".") || strings.HasPrefix(path, s+"[") {
			return true
		}
	}
	return false
}

// drop removes the problems about sections cmd does not use.
func (cmd Command) drop(problems []string) []string {
	if cmd == ForAll {
		return problems
	}
	out := problems[:0:0]
	for _, p := range problems {
		if !cmd.unused(p) {
			out = append(out, p)
		}
	}
	return out
}

// LoadConfigFor is LoadConfig for a command that uses only some sections:
// an unset ${VAR} or an invalid value in a section it does not use is no
// problem for it (a wrong key or shape still is, anywhere).
func LoadConfigFor(file string, cmd Command) (*Config, error) {
	data, err := source.ReadRegularFile(file, maxConfigBytes)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	return parseConfig(data, file, os.LookupEnv, cmd)
}
