package config

import (
	"fmt"
	"log/slog"
	"reflect"
	"sort"
	"strings"
)

// Secret holds a credential. Every way of printing it (fmt verbs, slog, JSON,
// YAML) yields "[redacted]"; only Reveal returns the value, and it is called
// only where the credential is sent to the service it belongs to.
type Secret struct{ value string }

// NewSecret wraps a credential.
func NewSecret(v string) Secret { return Secret{value: v} }

const redacted = "[redacted]"

// Reveal returns the credential itself.
func (s Secret) Reveal() string { return s.value }

// IsZero reports whether no credential was given.
func (s Secret) IsZero() bool { return s.value == "" }

// String implements fmt.Stringer.
func (s Secret) String() string { return redacted }

// GoString implements fmt.GoStringer, so %#v is redacted too.
func (s Secret) GoString() string { return redacted }

// Format redacts under every fmt verb.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON implements json.Marshaler.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText implements encoding.TextMarshaler.
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// MarshalYAML implements yaml.Marshaler.
func (s Secret) MarshalYAML() (any, error) { return redacted, nil }

// UnmarshalYAML reads the credential from a YAML scalar.
func (s *Secret) UnmarshalYAML(unmarshal func(any) error) error {
	return unmarshal(&s.value)
}

// Secrets returns every credential the config holds (global, per target,
// Slack, Alertmanager, Event Hook, OAuth keys), found by type so that a
// section added later is covered without being listed here.
func (c *Config) Secrets() []string {
	var out []string
	collectSecrets(reflect.ValueOf(c), &out)
	return out
}

func collectSecrets(v reflect.Value, out *[]string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			collectSecrets(v.Elem(), out)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			collectSecrets(v.Index(i), out)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			collectSecrets(it.Value(), out)
		}
	case reflect.Struct:
		if s, ok := v.Interface().(Secret); ok {
			if !s.IsZero() {
				*out = append(*out, s.value)
			}
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				collectSecrets(v.Field(i), out)
			}
		}
	}
}

// validateTerraformEnv checks remediation.terraform.env's names: variable
// names Terraform can read, none of those terraform-exec's CleanEnv drops
// (they would change what a command does, not who it is).
func validateTerraformEnv(env map[string]Secret, at string, add func(string, ...any)) {
	names := make([]string, 0, len(env))
	for k := range env {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		switch {
		case !envName().MatchString(k):
			add("%s.remediation.terraform.env.%s: not an environment variable name (letters, digits and _)", at, k)
		case strings.HasPrefix(k, "TF_VAR_") || strings.HasPrefix(k, "TF_CLI_ARGS") || strings.HasPrefix(k, "TF_LOG") ||
			k == "TF_WORKSPACE" || k == "TF_INPUT" || k == "TF_IN_AUTOMATION" || k == "TF_REATTACH_PROVIDERS":
			add("%s.remediation.terraform.env.%s: changes what a Terraform command does and is not passed: driftd sets the variables and arguments itself", at, k)
		}
	}
}
