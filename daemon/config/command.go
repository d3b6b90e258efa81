package config

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

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
// problem for it (a wrong key or shape still is, anywhere). With a target
// (--target), the same holds for the other targets (their own org's token,
// their Terraform credential), and the config returned holds only that
// target; an unknown name is left for the caller to name.
func LoadConfigFor(file string, cmd Command, target string) (*Config, error) {
	data, err := source.ReadRegularFile(file, maxConfigBytes)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	return parseConfig(data, file, os.LookupEnv, cmd, target)
}

// otherTargets returns the list indexes of the targets not named only, as
// the document lists them; none when only is empty.
func otherTargets(root *yaml.Node, only string) map[int]bool {
	out := map[int]bool{}
	if only == "" || root.Kind != yaml.MappingNode {
		return out
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "targets" || root.Content[i+1].Kind != yaml.SequenceNode {
			continue
		}
		for j, t := range root.Content[i+1].Content {
			if name := mappingValue(t, "name"); name != only {
				out[j] = true
			}
		}
	}
	return out
}

// mappingValue is the scalar value of key in a mapping node, or "".
func mappingValue(n *yaml.Node, key string) string {
	if n.Kind != yaml.MappingNode {
		return ""
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key && n.Content[i+1].Kind == yaml.ScalarNode {
			return n.Content[i+1].Value
		}
	}
	return ""
}

// dropTargets removes the problems about the targets at the indexes skip
// holds (key paths "targets[i]" and below).
func dropTargets(problems []string, skip map[int]bool) []string {
	if len(skip) == 0 {
		return problems
	}
	out := problems[:0:0]
	for _, p := range problems {
		rest, ok := strings.CutPrefix(keyPath(p), "targets[")
		if i, _, found := strings.Cut(rest, "]"); ok && found {
			if n, err := strconv.Atoi(i); err == nil && skip[n] {
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

// keepOnly narrows the config to the target named only, when it has one.
func (c *Config) keepOnly(only string) {
	if t, ok := c.Target(only); only != "" && ok {
		c.Targets = []Target{*t}
	}
}
