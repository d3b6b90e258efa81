package config

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// ConfigError lists every problem found in a config file, each starting with
// the key path it is about.
type ConfigError struct {
	Path     string
	Problems []string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("invalid config %s:\n  - %s", e.Path, strings.Join(e.Problems, "\n  - "))
}

// LoadConfig reads, expands, defaults and validates a config file.
func LoadConfig(file string) (*Config, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	return ParseConfig(data, file, os.LookupEnv)
}

// ParseConfig parses config bytes; file names the source in errors and
// anchors relative paths; lookup resolves ${VAR}.
func ParseConfig(data []byte, file string, lookup func(string) (string, bool)) (*Config, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &ConfigError{Path: file, Problems: []string{"not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}}
	}
	if len(doc.Content) == 0 {
		return nil, &ConfigError{Path: file, Problems: []string{"the file is empty"}}
	}
	root := doc.Content[0]
	var problems []string
	secretPaths := map[string]bool{}
	walkKeys(root, reflect.TypeOf(Config{}), "", &problems, secretPaths)
	var secrets []string
	expandEnv(root, "", lookup, &problems, secretPaths, &secrets)
	// Any message may quote a value (a type error, a bad URL); a secret put
	// where a value is quoted must still never be shown.
	fail := func(p []string) error { return &ConfigError{Path: file, Problems: scrub(p, secrets)} }
	if len(problems) > 0 {
		return nil, fail(problems)
	}
	var c Config
	if err := root.Decode(&c); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			return nil, fail(te.Errors)
		}
		return nil, fail([]string{err.Error()})
	}
	c.Path = file
	c.applyDefaults()
	if p := c.validate(); len(p) > 0 {
		return nil, fail(p)
	}
	return &c, nil
}

// scrub replaces every secret value in the messages with "[redacted]",
// including the shortened `value...` that YAML type errors quote.
func scrub(problems, secrets []string) []string {
	out := make([]string, len(problems))
	for i, p := range problems {
		for _, sec := range secrets {
			if sec != "" {
				p = strings.ReplaceAll(p, sec, redacted)
			}
		}
		out[i] = quoted.ReplaceAllStringFunc(p, func(q string) string {
			head := strings.TrimSuffix(q[1:len(q)-1], "...")
			for _, sec := range secrets {
				if head != "" && strings.HasPrefix(sec, head) {
					return "`" + redacted + "`"
				}
			}
			return q
		})
	}
	return out
}

var quoted = regexp.MustCompile("`[^`]*`")

// walkKeys rejects unknown keys and wrong shapes, naming the key path.
// It also notes the paths that hold secrets, so their values can be kept
// out of every message.
func walkKeys(n *yaml.Node, t reflect.Type, at string, problems *[]string, secretPaths map[string]bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch {
	case t == reflect.TypeOf(Secret{}) || t == reflect.TypeOf(Duration(0)):
		if t == reflect.TypeOf(Secret{}) {
			secretPaths[at] = true
		}
		if n.Kind != yaml.ScalarNode {
			*problems = append(*problems, fmt.Sprintf("%s: expected a single value", at))
		}
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			if !(n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
				*problems = append(*problems, fmt.Sprintf("%s: expected a mapping of keys", orRoot(at)))
			}
			return
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			ft, ok := fields[key]
			if !ok {
				*problems = append(*problems, fmt.Sprintf("%s: unknown key%s", join(at, key), suggest(key, fields)))
				continue
			}
			walkKeys(n.Content[i+1], ft, join(at, key), problems, secretPaths)
		}
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			if !(n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
				*problems = append(*problems, fmt.Sprintf("%s: expected a list", at))
			}
			return
		}
		for i, c := range n.Content {
			walkKeys(c, t.Elem(), fmt.Sprintf("%s[%d]", at, i), problems, secretPaths)
		}
	case t.Kind() == reflect.Map:
		if n.Kind != yaml.MappingNode {
			*problems = append(*problems, fmt.Sprintf("%s: expected a mapping of keys", at))
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			walkKeys(n.Content[i+1], t.Elem(), join(at, n.Content[i].Value), problems, secretPaths)
		}
	default:
		if n.Kind != yaml.ScalarNode {
			*problems = append(*problems, fmt.Sprintf("%s: expected a single value", at))
		}
	}
}

func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if opts == "inline" {
			for k, v := range yamlFields(f.Type) {
				out[k] = v
			}
			continue
		}
		out[name] = f.Type
	}
	return out
}

func suggest(key string, fields map[string]reflect.Type) string {
	best, bestD := "", 3
	for k := range fields {
		if d := editDistance(key, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		names := make([]string, 0, len(fields))
		for k := range fields {
			names = append(names, k)
		}
		sort.Strings(names)
		return " (known keys: " + strings.Join(names, ", ") + ")"
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

var envRef = regexp.MustCompile(`\$\{([^}]*)\}`)

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// expandEnv replaces ${VAR} in scalar values (never in keys) from lookup.
// It collects the values of secret paths, expanded or literal, in secrets.
func expandEnv(n *yaml.Node, at string, lookup func(string) (string, bool), problems *[]string, secretPaths map[string]bool, secrets *[]string) {
	switch n.Kind {
	case yaml.ScalarNode:
		if secretPaths[at] {
			defer func() { *secrets = append(*secrets, n.Value) }()
		}
		if !strings.Contains(n.Value, "${") {
			return
		}
		n.Value = envRef.ReplaceAllStringFunc(n.Value, func(m string) string {
			name := m[2 : len(m)-1]
			if !envName.MatchString(name) {
				*problems = append(*problems, fmt.Sprintf("%s: %q is not a valid environment variable reference", at, m))
				return m
			}
			v, ok := lookup(name)
			if !ok {
				*problems = append(*problems, fmt.Sprintf("%s: environment variable %s is not set", at, name))
				return ""
			}
			return v
		})
		// An expanded value is a string even if it looks like a number.
		if n.Tag == "" || n.Tag == "!!int" || n.Tag == "!!float" || n.Tag == "!!bool" || n.Tag == "!!null" {
			n.Tag = "!!str"
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			expandEnv(n.Content[i+1], join(at, n.Content[i].Value), lookup, problems, secretPaths, secrets)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			expandEnv(c, fmt.Sprintf("%s[%d]", at, i), lookup, problems, secretPaths, secrets)
		}
	}
}

func join(at, key string) string {
	if at == "" {
		return key
	}
	return at + "." + key
}

func orRoot(at string) string {
	if at == "" {
		return "(top level)"
	}
	return at
}
