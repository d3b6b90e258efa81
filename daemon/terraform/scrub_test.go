package terraform

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/driftd/driftd/daemon/config"
)

func TestScrubberRedactsSecretsAndNotOrdinaryWords(t *testing.T) {
	t.Setenv("TF_VAR_okta_api_token", "tfvar-secret-value-1234")
	t.Setenv("FEATURE_AUTH_ENABLED", "true")
	cfg := &config.Config{Okta: config.OktaConfig{APIToken: config.NewSecret("00okta-token")}}
	s := NewScrubber(cfg)
	tests := []struct{ name, in, want string }{
		{name: "a config secret is redacted", in: "401 for 00okta-token", want: "401 for [redacted]"},
		{name: "a secret-looking env value Terraform inherits is redacted", in: "var=tfvar-secret-value-1234", want: "var=[redacted]"},
		{name: "a short env value is left in ordinary words", in: "it is true that", want: "it is true that"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := s.String(tc.in); got != tc.want {
				t.Fatalf("String(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// fillSecrets sets every config.Secret reachable from v (through structs,
// pointers and slices, allocating nil pointers and one element per slice)
// to a distinct value, and returns the values with their field paths.
func fillSecrets(v reflect.Value, at string, out map[string]string) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() && v.CanSet() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		if !v.IsNil() {
			fillSecrets(v.Elem(), at, out)
		}
	case reflect.Slice:
		if v.Len() == 0 && v.CanSet() && v.Type().Elem().Kind() == reflect.Struct {
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		}
		for i := range v.Len() {
			fillSecrets(v.Index(i), fmt.Sprintf("%s[%d]", at, i), out)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(config.Secret{}) {
			val := fmt.Sprintf("secret-of-%s-%d", strings.ReplaceAll(at, ".", "-"), len(out))
			v.Set(reflect.ValueOf(config.NewSecret(val)))
			out[at] = val
			return
		}
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				fillSecrets(v.Field(i), at+"."+f.Name, out)
			}
		}
	}
}

func TestTheScrubberRedactsEverySecretTheConfigHolds(t *testing.T) {
	cfg := &config.Config{}
	secrets := map[string]string{}
	fillSecrets(reflect.ValueOf(cfg), "config", secrets)
	if len(secrets) < 8 {
		t.Fatalf("found only %d secrets in the config: %v", len(secrets), secrets)
	}
	s := NewScrubber(cfg)
	for at, val := range secrets {
		t.Run(at+" is redacted from Terraform's output", func(t *testing.T) {
			if got := s.String("provider said: " + val); strings.Contains(got, val) {
				t.Errorf("String kept %s: %q", at, got)
			}
		})
	}
}
