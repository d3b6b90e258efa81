package config

import (
	"fmt"
	"net"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/driftd/driftd/checks"
)

// AlertmanagerConfig sends driftd's alerts to a Prometheus Alertmanager
// (POST /api/v2/alerts) besides Slack or the log:
//
//	alertmanager:
//	  url: https://alertmanager.example.com   # base URL; the API path is added
//	  labels: {team: platform}                 # added to every alert
//	  basic_auth: {username: driftd, password: ${AM_PASSWORD}}
//	  bearer_token: ${AM_TOKEN}                # or this, not both
//	  resend_interval: 1m                      # re-post of firing alerts
//	  error_after: 15m                         # unreadable sources page after this long
//	  external_url: https://driftd.example.com # driftd as people reach it (generatorURL)
type AlertmanagerConfig struct {
	URL            string            `yaml:"url"`
	Labels         map[string]string `yaml:"labels"`
	BasicAuth      *BasicAuth        `yaml:"basic_auth"`
	BearerToken    Secret            `yaml:"bearer_token"`
	ResendInterval Duration          `yaml:"resend_interval"`
	ErrorAfter     Duration          `yaml:"error_after"`
	ExternalURL    string            `yaml:"external_url"`
}

// BasicAuth is HTTP basic authentication.
type BasicAuth struct {
	Username string `yaml:"username"`
	Password Secret `yaml:"password"`
}

// Alertmanager defaults. A firing alert is re-posted every resend interval
// and expires (endsAt) three intervals after its last post, so two lost
// posts in a row never resolve it, and a stopped driftd's alerts resolve
// by themselves (its own absence is the job of the no-successful-pass rule).
const (
	DefaultAlertmanagerResend     = time.Minute
	DefaultAlertmanagerErrorAfter = 15 * time.Minute
)

// Label names driftd sets itself; a configured label may not replace them.
var reservedAlertLabels = []string{"alertname", "target", "check"}

// labelName is Prometheus's label name syntax (model.LabelNameRE).
var labelName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`) })

// UnmarshalYAML fills the defaults and validates the section, naming each
// key path. Problems come back as a yaml.TypeError so the decoder keeps
// collecting the rest of the file's type errors.
func (a *AlertmanagerConfig) UnmarshalYAML(n *yaml.Node) error {
	type plain AlertmanagerConfig
	if err := n.Decode((*plain)(a)); err != nil {
		return err
	}
	if a.ResendInterval == 0 {
		a.ResendInterval = Duration(DefaultAlertmanagerResend)
	}
	if a.ErrorAfter == 0 {
		a.ErrorAfter = Duration(DefaultAlertmanagerErrorAfter)
	}
	if p := a.problems(); len(p) > 0 {
		return &yaml.TypeError{Errors: p}
	}
	return nil
}

func (a *AlertmanagerConfig) problems() []string {
	var p []string
	add := func(format string, args ...any) { p = append(p, fmt.Sprintf("alertmanager."+format, args...)) }
	if a.URL == "" {
		add("url: required, e.g. https://alertmanager.example.com")
	} else if msg := checkURLWith(a.URL, true, alertmanagerHTTPHost, "loopback and cluster-internal hosts only: a single-label name, *.svc or *.svc.cluster.local"); msg != "" {
		add("url: %s", msg)
	}
	if a.ExternalURL != "" {
		if msg := checkURL(a.ExternalURL, true); msg != "" {
			add("external_url: %s", msg)
		}
	}
	if a.BasicAuth != nil && !a.BearerToken.IsZero() {
		add("basic_auth: set basic_auth or bearer_token, not both")
	}
	if a.BasicAuth != nil && (a.BasicAuth.Username == "" || a.BasicAuth.Password.IsZero()) {
		add("basic_auth: username and password are both required")
	}
	if d := time.Duration(a.ResendInterval); d < 10*time.Second || d > time.Hour {
		add("resend_interval: %s is out of range: use 10s to 1h (Alertmanager resolves an alert not re-posted before its endsAt)", d)
	}
	if d := time.Duration(a.ErrorAfter); d < 0 {
		add("error_after: %s is negative", d)
	}
	names := make([]string, 0, len(a.Labels))
	for k := range a.Labels {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		switch {
		case !labelName().MatchString(k):
			add("labels.%s: not a Prometheus label name (letters, digits and '_', not starting with a digit)", k)
		case isReserved(k):
			add("labels.%s: driftd sets this label itself (%s)", k, strings.Join(reservedAlertLabels, ", "))
		case a.Labels[k] == "":
			add("labels.%s: empty value (Alertmanager drops empty labels)", k)
		}
	}
	return p
}

func isReserved(k string) bool {
	for _, r := range reservedAlertLabels {
		if k == r {
			return true
		}
	}
	return false
}

// alertmanagerHTTPHost admits plain http to Alertmanager on a loopback or
// cluster-internal host (contract section 11, "plain http"): a single-label
// name (a Service in driftd's namespace), *.svc or *.svc.cluster.local,
// where Alertmanager's Service usually serves no TLS and traffic stays in
// the cluster. An IP address other than loopback is not a cluster name.
func alertmanagerHTTPHost(host string) bool {
	if checks.IsLoopbackHost(host) {
		return true
	}
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "" || net.ParseIP(h) != nil {
		return false
	}
	return !strings.Contains(h, ".") || strings.HasSuffix(h, ".svc") || strings.HasSuffix(h, ".svc.cluster.local")
}
