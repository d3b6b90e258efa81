package terraform

import (
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
