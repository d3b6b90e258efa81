package alertmanager

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/internal/ci"
)

// alertmanagerBinary is the real Alertmanager that .ci/build-alertmanager
// builds from the Go module proxy. Without it the test skips, except on CI,
// where a missing binary fails it.
func alertmanagerBinary(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("DRIFTD_ALERTMANAGER")
	if bin == "" {
		home, _ := os.UserHomeDir()
		bin = filepath.Join(home, ".cache", "driftd", "bin", "alertmanager")
	}
	if _, err := os.Stat(bin); err != nil {
		ci.MissingTool(t, "no Alertmanager at %s: .ci/run builds it (.ci/build-alertmanager)", bin)
	}
	return bin
}

const amUser, amPassword = "driftd", "am-basic-password"

// startAlertmanager runs the real Alertmanager on a loopback port, behind
// basic auth (its exporter-toolkit web config), and returns its URL.
func startAlertmanager(t *testing.T) string {
	t.Helper()
	bin := alertmanagerBinary(t)
	dir := t.TempDir()
	hash, err := bcrypt.GenerateFromPassword([]byte(amPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"alertmanager.yml": "route: {receiver: blackhole, group_wait: 1s}\nreceivers: [{name: blackhole}]\n",
		"web.yml":          fmt.Sprintf("basic_auth_users:\n  %s: %s\n", amUser, hash),
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "--config.file="+filepath.Join(dir, "alertmanager.yml"), "--web.config.file="+filepath.Join(dir, "web.yml"),
		"--storage.path="+filepath.Join(dir, "data"), "--web.listen-address="+addr, "--cluster.listen-address=")
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	url := "http://" + addr
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if resp, err := get(url + "/-/ready"); err == nil && resp == http.StatusOK {
			return url
		}
		if time.Now().After(deadline) {
			t.Fatalf("Alertmanager not ready at %s:\n%s", url, logs.String())
		}
	}
}

func get(url string) (int, error) {
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.SetBasicAuth(amUser, amPassword)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// gettableAlert is the part of Alertmanager's gettableAlert the test reads.
type gettableAlert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	EndsAt      time.Time         `json:"endsAt"`
	Status      struct {
		State string `json:"state"`
	} `json:"status"`
}

// activeAlerts is Alertmanager's GET /api/v2/alerts (resolved alerts are
// not listed).
func activeAlerts(t *testing.T, url string) []gettableAlert {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url+"/api/v2/alerts", nil)
	req.SetBasicAuth(amUser, amPassword)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []gettableAlert
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTheRealAlertmanagerFiresAndResolvesDriftdsAlerts(t *testing.T) {
	url := startAlertmanager(t)
	am := amConfig(url)
	am.BasicAuth = &config.BasicAuth{Username: amUser, Password: config.NewSecret(amPassword)}
	a, _ := newAlerter(t, am, time.Now)
	ctx := context.Background()
	prod := &config.Target{Name: "prod"}
	deliver := func(t *testing.T) {
		t.Helper()
		if sent, _ := a.Flush(ctx); sent != 1 {
			t.Fatalf("sent %d posts, want 1", sent)
		}
	}

	a.Notify(ctx, prod, drifting(checks.IDRedirectURIs))
	deliver(t)
	t.Run("a drifting check fires with driftd's labels and the finding", func(t *testing.T) {
		got := activeAlerts(t, url)
		if len(got) != 1 {
			t.Fatalf("active alerts %+v, want 1", got)
		}
		g := got[0]
		if g.Labels["alertname"] != AlertDrift || g.Labels["target"] != "prod" || g.Labels["check"] != checks.IDRedirectURIs || g.Labels["team"] != "platform" {
			t.Errorf("labels %v", g.Labels)
		}
		if g.Status.State != "active" || !strings.Contains(g.Annotations["description"], "okta.redirect_uris is off.") {
			t.Errorf("state %q, description %q", g.Status.State, g.Annotations["description"])
		}
		if left := time.Until(g.EndsAt); left < 20*time.Second || left > 31*time.Second {
			t.Errorf("endsAt in %v, want about three resend intervals (30s)", left)
		}
	})

	a.Notify(ctx, prod, unreadable())
	if sent, _ := a.Flush(ctx); sent != 1 {
		t.Fatalf("an error past error_after (0 here) sent %d posts, want 1", sent)
	}
	t.Run("an unreadable target fires DriftdError and keeps its drift alert", func(t *testing.T) {
		names := map[string]bool{}
		for _, g := range activeAlerts(t, url) {
			names[g.Labels["alertname"]] = true
		}
		if !names[AlertDrift] || !names[AlertError] || len(names) != 2 {
			t.Errorf("active alert names %v, want %s and %s", names, AlertDrift, AlertError)
		}
	})

	a.Notify(ctx, prod, inSync())
	deliver(t)
	t.Run("back in sync resolves every alert", func(t *testing.T) {
		if got := activeAlerts(t, url); len(got) != 0 {
			t.Errorf("active alerts after the resolution: %+v", got)
		}
	})
}

func TestTheRealAlertmanagerRefusesAWrongPassword(t *testing.T) {
	url := startAlertmanager(t)
	am := amConfig(url)
	am.BasicAuth = &config.BasicAuth{Username: amUser, Password: config.NewSecret("wrong")}
	a, st := newAlerter(t, am, time.Now)
	a.Notify(context.Background(), &config.Target{Name: "prod"}, drifting(checks.IDRedirectURIs))
	if sent, _ := a.Flush(context.Background()); sent != 0 {
		t.Fatalf("sent %d with a wrong password", sent)
	}
	items, _ := st.Outbox()
	if len(items) != 1 || !strings.Contains(items[0].LastError, "401") {
		t.Errorf("outbox %+v, want the post kept with Alertmanager's 401", items)
	}
}
