package config

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/agext/levenshtein"
	"github.com/driftd/driftd/checks/source"
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
	data, err := source.ReadRegularFile(file, maxConfigBytes)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	return ParseConfig(data, file, os.LookupEnv)
}

// maxConfigBytes bounds a config file and a key file: real ones are a few
// kilobytes.
const maxConfigBytes = 1 << 20

// ParseConfig parses config bytes; file names the source in errors and
// anchors relative paths; lookup resolves ${VAR}. Every problem is reported,
// not only the first.
func ParseConfig(data []byte, file string, lookup func(string) (string, bool)) (*Config, error) {
	return parseConfig(data, file, lookup, ForAll, "")
}

// parseConfig parses for a command that uses the sections cmd names and,
// when only is set (--target), that one target.
func parseConfig(data []byte, file string, lookup func(string) (string, bool), cmd Command, only string) (*Config, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &ConfigError{Path: file, Problems: []string{"not valid YAML: " + syntaxError(data, err)}}
	}
	if len(doc.Content) == 0 {
		return nil, &ConfigError{Path: file, Problems: []string{"the file is empty"}}
	}
	root := doc.Content[0]
	w := &walker{secretPaths: map[string]bool{}, present: map[string]bool{}}
	w.walkKeys(root, reflect.TypeOf(Config{}), "")
	var secrets []string
	var unset []string
	expandEnv(root, "", lookup, &unset, w.secretPaths, &secrets)
	others := otherTargets(root, only)
	w.problems = append(w.problems, dropTargets(cmd.drop(unset), others)...)
	w.checkLeafTypes()
	var c Config
	// Decode fills what it can; the walk above already named every key
	// whose value does not fit, so decoding errors are only a fallback.
	if err := root.Decode(&c); err != nil && len(w.problems) == 0 {
		// A section that validates itself in UnmarshalYAML (alertmanager)
		// returns its problems as a TypeError: report each on its own line.
		var te *yaml.TypeError
		if errors.As(err, &te) {
			w.problems = append(w.problems, te.Errors...)
		} else {
			w.problems = append(w.problems, err.Error())
		}
	}
	c.Path = file
	c.applyDefaults(w.present)
	problems := mergeProblems(w.problems, dropTargets(cmd.drop(c.validate()), others))
	if len(problems) > 0 {
		// Any message may quote a value (a type error, a bad URL); a secret
		// put where a value is quoted must still never be shown.
		return nil, &ConfigError{Path: file, Problems: scrub(problems, secrets)}
	}
	c.Warnings = scrub(c.warnings(), secrets)
	c.keepOnly(only)
	return &c, nil
}

// mergeProblems adds the validation problems to the structural ones, except
// those about a key that already has a structural problem (an unset
// variable or a wrong shape would otherwise also read as "required").
func mergeProblems(structural, validation []string) []string {
	seen := map[string]bool{}
	for _, p := range structural {
		seen[keyPath(p)] = true
	}
	out := structural
	for _, p := range validation {
		if !seen[keyPath(p)] {
			out = append(out, p)
		}
	}
	return out
}

// keyPath is the key path a problem starts with.
func keyPath(problem string) string {
	k, _, _ := strings.Cut(problem, ": ")
	return k
}

// walker checks a config document's keys and shapes against the Config
// type before anything is decoded, so every problem names its key path.
type walker struct {
	problems []string
	// secretPaths are the key paths that hold secrets, so their values
	// can be kept out of every message.
	secretPaths map[string]bool
	// present are the key paths the document sets, so a default applies
	// only to what is unset (concurrency: 0 is an error, not "unset").
	present map[string]bool
	// leaves are the scalar values of typed (non-string) keys, checked
	// once ${VAR} is expanded.
	leaves []leaf
}

type leaf struct {
	n  *yaml.Node
	t  reflect.Type
	at string
}

func (w *walker) add(format string, a ...any) {
	w.problems = append(w.problems, fmt.Sprintf(format, a...))
}

// walkKeys rejects unknown keys and wrong shapes, naming the key path.
func (w *walker) walkKeys(n *yaml.Node, t reflect.Type, at string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	w.present[at] = true
	switch {
	case t == reflect.TypeOf(Secret{}) || t == reflect.TypeOf(Duration(0)):
		if t == reflect.TypeOf(Secret{}) {
			w.secretPaths[at] = true
		}
		if n.Kind != yaml.ScalarNode {
			w.add("%s: expected a single value", at)
			setNull(n)
		} else if t == reflect.TypeOf(Duration(0)) {
			w.leaves = append(w.leaves, leaf{n, t, at})
		}
	case t.Kind() == reflect.Struct:
		w.walkStruct(n, t, at)
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			if !isNull(n) {
				w.add("%s: expected a list", at)
				setNull(n)
			}
			return
		}
		for i, c := range n.Content {
			w.walkKeys(c, t.Elem(), fmt.Sprintf("%s[%d]", at, i))
		}
	case t.Kind() == reflect.Map:
		if n.Kind != yaml.MappingNode {
			if !isNull(n) {
				w.add("%s: expected a mapping of keys", at)
				setNull(n)
			}
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			w.walkKeys(n.Content[i+1], t.Elem(), join(at, n.Content[i].Value))
		}
	default:
		if n.Kind != yaml.ScalarNode {
			w.add("%s: expected a single value", at)
			setNull(n)
		} else if isNull(n) && strings.HasSuffix(at, "]") && strings.HasSuffix(strings.TrimRight(at, "0123456789[]"), "cors_origins") {
			// W&B needs the literal origin null, which YAML reads as no value.
			w.add("%s: an unquoted null is YAML's empty value, not the origin null: write \"null\" in quotes", at)
		} else if t.Kind() != reflect.String {
			w.leaves = append(w.leaves, leaf{n, t, at})
		}
	}
}

func (w *walker) walkStruct(n *yaml.Node, t reflect.Type, at string) {
	if n.Kind != yaml.MappingNode {
		if !isNull(n) {
			w.add("%s: expected a mapping of keys", orRoot(at))
			if at != "" {
				setNull(n)
			}
		}
		return
	}
	fields := yamlFields(t)
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i].Value
		ft, ok := fields[key]
		if !ok {
			w.add("%s: unknown key%s", join(at, key), suggest(key, fields))
			continue
		}
		w.walkKeys(n.Content[i+1], ft, join(at, key))
	}
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// checkLeafTypes decodes each typed scalar on its own, so a value of the
// wrong type is reported at its key path with what was expected, instead of
// YAML's "line 3: cannot unmarshal !!str".
func (w *walker) checkLeafTypes() {
	for _, l := range w.leaves {
		if isNull(l.n) {
			continue
		}
		v := reflect.New(l.t)
		err := l.n.Decode(v.Interface())
		switch {
		case err == nil:
			continue
		case l.t == reflect.TypeOf(Duration(0)):
			w.add("%s: %s", l.at, err.Error())
		default:
			w.add("%s: %q is not %s", l.at, l.n.Value, kindName(l.t))
		}
		setNull(l.n)
	}
}

// setNull empties a value already reported, so decoding the rest of the
// document goes on (an unmarshaler's error would stop it) and the other
// problems are reported too.
func setNull(n *yaml.Node) {
	*n = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: n.Line, Column: n.Column}
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint, reflect.Uint64, reflect.Uint32:
		return "a whole number"
	case reflect.Float64, reflect.Float32:
		return "a number"
	}
	return "a " + t.Kind().String()
}

func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if opts == "inline" {
			for k, v := range yamlFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name != "" {
			out[name] = f.Type
		}
	}
	return out
}

func suggest(key string, fields map[string]reflect.Type) string {
	best, bestD := "", 3
	for k := range fields {
		if d := levenshtein.Distance(key, k, nil); d < bestD {
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

// envRef matches ${VAR} only. os.Expand is not used: it also expands a bare
// $VAR and drops a "$" it cannot parse, so a value holding a literal "$" (a
// password, a regular expression) would be silently changed, and it cannot
// report a malformed or unset reference, which this loader must.
var envRef = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\$\{([^}]*)\}`) })

var envName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`) })

// expandEnv replaces ${VAR} in scalar values (never in keys) from lookup.
// It collects in secrets the values of secret paths (expanded or literal)
// and the value of every variable whose name looks secret.
func expandEnv(n *yaml.Node, at string, lookup func(string) (string, bool), problems *[]string, secretPaths map[string]bool, secrets *[]string) {
	switch n.Kind {
	case yaml.ScalarNode:
		if secretPaths[at] {
			defer func() { *secrets = append(*secrets, n.Value) }()
		}
		if !strings.Contains(n.Value, "${") {
			return
		}
		n.Value = envRef().ReplaceAllStringFunc(n.Value, func(m string) string {
			name := m[2 : len(m)-1]
			if !envName().MatchString(name) {
				*problems = append(*problems, fmt.Sprintf("%s: %q is not a valid environment variable reference", at, m))
				return m
			}
			v, ok := lookup(name)
			if !ok {
				*problems = append(*problems, fmt.Sprintf("%s: environment variable %s is not set", at, name))
				return ""
			}
			// A value from a secret-looking variable is a secret wherever
			// it is put (schedule: ${OKTA_API_TOKEN} must not show it).
			if secretPaths[at] || LooksSecret(name) {
				*secrets = append(*secrets, v)
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
