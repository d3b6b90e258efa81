package envassert

import (
	"fmt"
	"testing"
)

// recorder is a testing.TB that keeps what Env reports instead of failing.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestEnvReportsAMissingAWrongAndAnUnwantedKey(t *testing.T) {
	got := map[string]string{"OIDC_ISSUER": "https://a", "GORILLA_CORS_ORIGINS": "", "OIDC_SECRET": "x"}
	for _, c := range []struct {
		name   string
		want   map[string]string
		absent []string
		errs   int
	}{
		{"equal, an empty value present", map[string]string{"OIDC_ISSUER": "https://a", "GORILLA_CORS_ORIGINS": ""}, []string{"HOST"}, 0},
		{"missing", map[string]string{"OIDC_CLIENT_ID": ""}, nil, 1},
		{"wrong", map[string]string{"OIDC_ISSUER": "https://b"}, nil, 1},
		{"unwanted", nil, []string{"OIDC_SECRET"}, 1},
	} {
		r := &recorder{TB: t}
		Env(r, got, c.want, c.absent)
		if len(r.errs) != c.errs {
			t.Errorf("%s: %d errors %q, want %d", c.name, len(r.errs), r.errs, c.errs)
		}
	}
}
