package config

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func alertmanagerConfig(section string) string {
	return goodConfig + "alertmanager:\n" + section
}

func amEnv(name string) (string, bool) {
	if name == "AM_PASSWORD" {
		return "am-secret-password", true
	}
	return testEnv(name)
}

func TestAlertmanagerSectionGetsItsDefaults(t *testing.T) {
	c, err := ParseConfig([]byte(alertmanagerConfig("  url: https://am.acme.com\n  labels: {team: platform}\n  basic_auth:\n    username: driftd\n    password: ${AM_PASSWORD}\n")), "/etc/driftd/driftd.yaml", amEnv)
	if err != nil {
		t.Fatal(err)
	}
	am := c.Alertmanager
	if am == nil {
		t.Fatal("alertmanager section missing")
	}
	if time.Duration(am.ResendInterval) != DefaultAlertmanagerResend || time.Duration(am.ErrorAfter) != DefaultAlertmanagerErrorAfter {
		t.Errorf("resend %v, error_after %v: want the defaults", am.ResendInterval, am.ErrorAfter)
	}
	checksEqual(t, "password", am.BasicAuth.Password.Reveal(), "am-secret-password")
	checksEqual(t, "label", am.Labels["team"], "platform")
	if got := fmt.Sprintf("%v %+v", am, *am.BasicAuth); strings.Contains(got, "am-secret-password") {
		t.Errorf("printing the section shows the password: %s", got)
	}
}

func TestConfigWithoutAlertmanagerHasNone(t *testing.T) {
	c, err := ParseConfig([]byte(goodConfig), "/etc/driftd/driftd.yaml", testEnv)
	if err != nil {
		t.Fatal(err)
	}
	if c.Alertmanager != nil {
		t.Errorf("alertmanager = %+v, want nil", c.Alertmanager)
	}
}

func TestBadAlertmanagerSections(t *testing.T) {
	tests := []struct {
		name, section, want string
	}{
		{"a missing url is required", "  labels: {team: x}\n",
			"alertmanager.url: required, e.g. https://alertmanager.example.com"},
		{"plain http to a remote host is refused", "  url: http://am.acme.com\n",
			`alertmanager.url: "http://am.acme.com" uses plain http: use https (http is accepted for loopback and cluster-internal hosts only: a single-label name, *.svc or *.svc.cluster.local)`},
		{"basic auth and a bearer token together are refused", "  url: https://am.acme.com\n  bearer_token: t0k\n  basic_auth: {username: u, password: p}\n",
			"alertmanager.basic_auth: set basic_auth or bearer_token, not both"},
		{"basic auth without a password is refused", "  url: https://am.acme.com\n  basic_auth: {username: u}\n",
			"alertmanager.basic_auth: username and password are both required"},
		{"a label that is not a Prometheus label name is refused", "  url: https://am.acme.com\n  labels: {team-name: x}\n",
			"alertmanager.labels.team-name: not a Prometheus label name (letters, digits and '_', not starting with a digit)"},
		{"a label driftd sets itself is refused", "  url: https://am.acme.com\n  labels: {alertname: x}\n",
			"alertmanager.labels.alertname: driftd sets this label itself (alertname, target, check)"},
		{"a resend interval too short is refused", "  url: https://am.acme.com\n  resend_interval: 1s\n",
			"alertmanager.resend_interval: 1s is out of range: use 10s to 1h (Alertmanager resolves an alert not re-posted before its endsAt)"},
		{"an unknown key names its path", "  url: https://am.acme.com\n  bearer: x\n",
			"alertmanager.bearer: unknown key (known keys: basic_auth, bearer_token, error_after, external_url, labels, resend_interval, url)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(alertmanagerConfig(tc.section)), "driftd.yaml", amEnv)
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a ConfigError", err)
			}
			if len(ce.Problems) != 1 || ce.Problems[0] != tc.want {
				t.Errorf("problems:\n  %s\nwant:\n  %s", strings.Join(ce.Problems, "\n  "), tc.want)
			}
		})
	}
}

func TestAlertmanagerErrorsNeverShowTheBearerToken(t *testing.T) {
	_, err := ParseConfig([]byte(alertmanagerConfig("  url: https://am.acme.com\n  bearer_token: ${AM_PASSWORD}\n  basic_auth:\n    username: u\n    password: ${AM_PASSWORD}\n")), "driftd.yaml", amEnv)
	if err == nil || strings.Contains(err.Error(), "am-secret-password") {
		t.Errorf("err = %v: want an error without the secret", err)
	}
}

// TestAlertmanagerURLTakesPlainHTTPOnlyInsideTheCluster holds contract
// section 11's "plain http" row: alertmanager.url may be http on a
// cluster-internal host (a single-label name, *.svc, *.svc.cluster.local),
// where Alertmanager's Service usually serves no TLS; a host outside the
// cluster still needs https.
func TestAlertmanagerURLTakesPlainHTTPOnlyInsideTheCluster(t *testing.T) {
	for url, ok := range map[string]bool{
		"http://alertmanager:9093":                                   true,
		"http://alertmanager-operated.monitoring.svc:9093":           true,
		"http://alertmanager-operated.monitoring.svc.cluster.local":  true,
		"http://Alertmanager.Monitoring.SVC.Cluster.Local.:9093/am/": true,
		"http://127.0.0.1:9093":                                      true,
		"http://am.example.com":                                      false,
		"http://am.svc.example.com":                                  false,
		"http://svc":                                                 true,
		"http://10.0.0.7:9093":                                       false,
		"http://am.cluster.local":                                    false,
		"http://u:p@alertmanager:9093":                               false,
		"http://alertmanager:9093/?x=1":                              false,
	} {
		_, err := ParseConfig([]byte(alertmanagerConfig("  url: "+url+"\n")), "driftd.yaml", amEnv)
		if ok && err != nil {
			t.Errorf("%s: %v, want it accepted", url, err)
		}
		if !ok && err == nil {
			t.Errorf("%s accepted, want it refused", url)
		}
	}
	_, err := ParseConfig([]byte(alertmanagerConfig("  url: https://am.acme.com\n  external_url: http://driftd.monitoring.svc\n")), "driftd.yaml", amEnv)
	if err == nil {
		t.Errorf("external_url over plain http to a cluster host accepted: it is a link people open, the row names only alertmanager.url")
	}
}
