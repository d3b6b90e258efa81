package terraform

import (
	"os"
	"sort"
	"strings"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
)

// Scrubber replaces every secret value driftd knows with "[redacted]" in
// text it relays: Terraform's stderr in an error, a reason, a log line. A
// provider that prints its token must not put it in the API, the store,
// the log or Slack.
type Scrubber struct {
	values []string // longest first, so a secret containing another goes whole
}

const (
	redacted = "[redacted]"
	// minEnvSecret keeps a short environment value ("1", "true") from being
	// redacted inside ordinary words.
	minEnvSecret = 8
	// minConfigSecret: config secrets are redacted even when short; shorter
	// than this they would mangle every message.
	minConfigSecret = 4
)

// secretKeyParts mark an environment variable whose value is a secret.
var secretKeyParts = []string{"TOKEN", "SECRET", "PASSWORD", "PASSWD", "API_KEY", "APIKEY", "PRIVATE_KEY", "ACCESS_KEY", "CREDENTIAL", "AUTH"}

// SecretKey reports whether an environment variable's name says it holds a secret.
func SecretKey(name string) bool {
	up := strings.ToUpper(name)
	for _, p := range secretKeyParts {
		if strings.Contains(up, p) {
			return true
		}
	}
	return false
}

// minPEMLine is the shortest line of a multi-line secret (a PEM key's
// base64 body) redacted on its own.
const minPEMLine = 16

// NewScrubber collects every secret cfg holds (config.Config.Secrets) and the values of
// secret-looking variables in driftd's environment, which Terraform and
// its providers inherit (OKTA_API_TOKEN, TF_VAR_okta_token, ...).
func NewScrubber(cfg *config.Config) *Scrubber {
	seen := map[string]bool{}
	s := &Scrubber{}
	add := func(v string, minLen int) {
		if len(v) >= minLen && !seen[v] {
			seen[v] = true
			s.values = append(s.values, v)
		}
	}
	if cfg != nil {
		for _, v := range cfg.Secrets() {
			add(v, minConfigSecret)
			// A PEM key may be printed a line at a time.
			for _, line := range strings.Split(v, "\n") {
				if line = strings.TrimSpace(line); !strings.HasPrefix(line, "-----") {
					add(line, minPEMLine)
				}
			}
		}
	}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && SecretKey(k) {
			add(v, minEnvSecret)
		}
	}
	sort.Slice(s.values, func(i, j int) bool { return len(s.values[i]) > len(s.values[j]) })
	return s
}

// String returns text with every known secret value replaced.
func (s *Scrubber) String(text string) string {
	if s == nil {
		return text
	}
	for _, v := range s.values {
		if strings.Contains(text, v) {
			text = strings.ReplaceAll(text, v, redacted)
		}
	}
	return text
}

// Remediation scrubs everything a remediation result relays.
func (s *Scrubber) Remediation(rem *report.RemediationResult) {
	if rem == nil {
		return
	}
	rem.Error, rem.Reason = s.String(rem.Error), s.String(rem.Reason)
	for i := range rem.Refused {
		rem.Refused[i] = s.String(rem.Refused[i])
	}
}

// Result scrubs a target result's observation errors and remediation: a
// reader that runs Terraform (source: terraform) relays its stderr too.
func (s *Scrubber) Result(res *report.TargetResult) {
	for i := range res.Errors {
		res.Errors[i].Message = s.String(res.Errors[i].Message)
	}
	s.Remediation(res.Remediation)
}
