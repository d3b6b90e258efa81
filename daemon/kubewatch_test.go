package daemon

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/kubetest"
	"github.com/driftd/driftd/internal/slacksim"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// watchedFixture serves target prod, whose env is the live Deployment
// wandb/wandb-app read through kubeconfig, with kubernetes.watch on, the
// System Log off and schedule "@every 1h": only the watch can see an edit
// in time.
func watchedFixture(t *testing.T, f *fixture.Fixture, kubeconfig string) (*slacksim.Server, string) {
	t.Helper()
	sim := slacksim.Start(slackToken)
	t.Cleanup(sim.Close)
	body := strings.Replace(f.Body, "env: {source: file, path: ./prod.env}",
		"env: {source: kubernetes, kubeconfig: "+kubeconfig+", namespace: wandb, deployment: wandb-app}", 1)
	body = strings.Replace(body, "  api_token: ${DRIFTD_TEST_OKTA_TOKEN}\n", "  api_token: ${DRIFTD_TEST_OKTA_TOKEN}\n  events: {poll: 0s}\n", 1)
	f.WriteConfig(body + "kubernetes:\n  watch: true\n" +
		fmt.Sprintf("slack:\n  bot_token: %s\n  channel: \"#sso\"\n  api_url: %s\n", slackToken, sim.APIURL()))
	base, stop := startDaemon(t, f)
	t.Cleanup(stop)
	waitFor(t, "the start-up pass", func() bool {
		_, out := fixture.Call(t, "GET", base+"/v1/status", apiToken, "")
		return strings.Contains(out, `"status":"`) && !strings.Contains(out, `"status":"pending"`)
	})
	return sim, base
}

func setClientID(t *testing.T, cs kubernetes.Interface, id string) {
	t.Helper()
	d, err := cs.AppsV1().Deployments("wandb").Get(t.Context(), "wandb-app", metav1.GetOptions{})
	if err == nil {
		d.Spec.Template.Spec.Containers[0].Env[0].Value = id
		_, err = cs.AppsV1().Deployments("wandb").Update(t.Context(), d, metav1.UpdateOptions{})
	}
	if err != nil {
		t.Fatalf("editing the Deployment: %v", err)
	}
}

// TestAKubectlEditIsAlertedAndItsRevertResolvedWithinSeconds edits the live
// W&B Deployment behind Terraform's back while driftd serves with an hourly
// schedule.
func TestAKubectlEditIsAlertedAndItsRevertResolvedWithinSeconds(t *testing.T) {
	f := fixture.New(t, "prod")
	srv := kubetest.Start(t)
	cs := kubetest.Clientset(t, srv.Config)
	liveWandb(t, cs, f.Sim.URL)
	slack, base := watchedFixture(t, f, kubetest.WriteKubeconfig(t, srv.Config))
	if _, out := fixture.Call(t, "GET", base+"/v1/status", apiToken, ""); !strings.Contains(out, `"status":"ok"`) {
		t.Fatalf("not in sync at start: %s", out)
	}

	setClientID(t, cs, "0oa-someone-elses-app")
	took := alerted(t, slack, "SSO drift on prod")
	t.Logf("alerted %s after the edit", took)
	if _, out := fixture.Call(t, "GET", base+"/v1/status", apiToken, ""); !strings.Contains(out, `"status":"drift"`) {
		t.Errorf("status after the edit: %s", out)
	}
	setClientID(t, cs, "0oaprodclient")
	took = alerted(t, slack, "Resolved: SSO wiring of prod")
	t.Logf("resolved %s after the revert", took)
	_, metrics := fixture.Call(t, "GET", base+"/metrics", "", "")
	if !strings.Contains(metrics, `driftd_events_total{result="queued",source="kubernetes"}`) {
		t.Errorf("metrics lack the kubernetes events:\n%s", grepLines(metrics, "driftd_event"))
	}
}

// TestARefusedWatchIsTheNextRunsObservationError serves driftd with a
// ServiceAccount that may get and list the W&B objects but not watch them.
func TestARefusedWatchIsTheNextRunsObservationError(t *testing.T) {
	f := fixture.New(t, "prod")
	srv := kubetest.Start(t)
	liveWandb(t, kubetest.Clientset(t, srv.Config), f.Sim.URL)
	cfg := srv.ServiceAccountConfig(t, kubetest.Access{Namespace: "wandb", Name: "driftd", Rules: []rbacv1.PolicyRule{
		{APIGroups: []string{"apps"}, Resources: []string{"deployments"}, ResourceNames: []string{"wandb-app"}, Verbs: []string{"get", "list"}},
		{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get", "list"}},
		{APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{"wandb-env"}, Verbs: []string{"get", "list"}},
	}})
	_, base := watchedFixture(t, f, kubetest.WriteKubeconfig(t, cfg))
	var out string
	waitFor(t, "a run reporting the refused watch", func() bool {
		reconcileWhenFree(t, base)
		_, out = fixture.Call(t, "GET", base+"/v1/status", apiToken, "")
		return strings.Contains(out, "lacks list and watch on deployments.apps in namespace wandb")
	})
	if !strings.Contains(out, `"status":"error"`) {
		t.Errorf("status with a refused watch: %s", out)
	}
	_, metrics := fixture.Call(t, "GET", base+"/metrics", "", "")
	if !strings.Contains(metrics, `driftd_events_total{result="error",source="kubernetes"}`) {
		t.Errorf("metrics lack the watch errors:\n%s", grepLines(metrics, "driftd_event"))
	}
}

// TestTheKubernetesReaderUsesTheEnginesClock injects a clock into the
// engine: the rollout observation is stamped with it, not the wall clock.
func TestTheKubernetesReaderUsesTheEnginesClock(t *testing.T) {
	f := fixture.New(t, "prod")
	srv := kubetest.Start(t)
	liveWandb(t, kubetest.Clientset(t, srv.Config), f.Sim.URL)
	f.WriteConfig(strings.Replace(f.Body, "env: {source: file, path: ./prod.env}",
		"env: {source: kubernetes, kubeconfig: "+kubetest.WriteKubeconfig(t, srv.Config)+", namespace: wandb, deployment: wandb-app}", 1))
	cfg, err := config.LoadConfig(f.Cfg)
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2031, 5, 4, 3, 2, 1, 0, time.UTC)
	e, err := NewEngine(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), EngineOptions{Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	res := e.CheckTarget(t.Context(), &cfg.Targets[0])
	if res.Observed == nil || res.Observed.Rollout == nil {
		t.Fatalf("no rollout observation: errors %+v", res.Errors)
	}
	if got := res.Observed.Rollout.ObservedAt; !got.Equal(clock) {
		t.Errorf("rollout observed at %s, want the engine's %s", got, clock)
	}
}

// reloadWith rewrites the config file with edit applied and sends SIGHUP
// until the daemon has reloaded it. The test's own signal.Notify keeps a
// SIGHUP from ending the test binary should it arrive before the daemon's.
func reloadWith(t *testing.T, f *fixture.Fixture, base string, edit func(string) string) {
	t.Helper()
	raw, err := os.ReadFile(f.Cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteConfig(edit(string(raw)))
	hup := make(chan os.Signal, 8)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	_, before := fixture.Call(t, "GET", base+"/metrics", "", "")
	waitFor(t, "the reload", func() bool {
		if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
		_, after := fixture.Call(t, "GET", base+"/metrics", "", "")
		return grepLines(after, `driftd_config_reloads_total{result="ok"}`) != grepLines(before, `driftd_config_reloads_total{result="ok"}`)
	})
}

// TestAReloadRetargetsTheWatches turns kubernetes.watch off and on again by
// SIGHUP: an edit made while it is off waits for the schedule; one made
// after it is back on is alerted. The edit made while off is judged after
// the later one has been alerted: the watch saw exactly one change, and
// the one alert is the later edit's.
func TestAReloadRetargetsTheWatches(t *testing.T) {
	f := fixture.New(t, "prod")
	srv := kubetest.Start(t)
	cs := kubetest.Clientset(t, srv.Config)
	liveWandb(t, cs, f.Sim.URL)
	slack, base := watchedFixture(t, f, kubetest.WriteKubeconfig(t, srv.Config))

	reloadWith(t, f, base, func(s string) string { return strings.Replace(s, "watch: true", "watch: false", 1) })
	setClientID(t, cs, "0oa-someone-elses-app")
	reloadWith(t, f, base, func(s string) string { return strings.Replace(s, "watch: false", "watch: true", 1) })
	setClientID(t, cs, "0oa-yet-another-app")
	alerted(t, slack, "SSO drift on prod")
	_, metrics := fixture.Call(t, "GET", base+"/metrics", "", "")
	if got := grepLines(metrics, `driftd_events_total{result="queued",source="kubernetes"}`); got != `driftd_events_total{result="queued",source="kubernetes"} 1` {
		t.Errorf("the watches queued %q; want the one edit made with the watch on", got)
	}
	var drift []string
	for _, m := range slack.Messages() {
		if strings.Contains(m.Text, "SSO drift on prod") {
			drift = append(drift, m.Text+" "+m.Blocks)
		}
	}
	if len(drift) != 1 || !strings.Contains(drift[0], "0oa-yet-another-app") {
		t.Errorf("drift alerts %s; want one, naming the edit made with the watch on", drift)
	}
}
