package daemon

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/notify/alertmanager"
	"github.com/driftd/driftd/daemon/store"
	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/oktasim"
)

func TestOutboxDepthCountsEachNotifiersQueue(t *testing.T) {
	st, err := store.OpenStore(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	items := []store.OutboxItem{{Target: "prod", Op: store.OpPostRoot}, {Target: "prod", Op: store.OpReply}, {Target: "prod", Notifier: alertmanager.Name}}
	if err := st.CommitAlert("prod", store.AlertState{}, items); err != nil {
		t.Fatal(err)
	}
	got, err := outboxDepth(st)
	if err != nil {
		t.Fatal(err)
	}
	if got["slack"] != 2 || got[alertmanager.Name] != 1 {
		t.Errorf("depth %v, want slack 2 and alertmanager 1", got)
	}
}

func TestServePostsDriftToAlertmanagerAndExportsItsMetrics(t *testing.T) {
	posts := make(chan []map[string]any, 10)
	am := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var alerts []map[string]any
		if r.URL.Path != "/api/v2/alerts" || json.NewDecoder(r.Body).Decode(&alerts) != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		posts <- alerts
	}))
	defer am.Close()
	f := fixture.New(t, "prod")
	f.WriteConfig(f.Body + "alertmanager:\n  url: " + am.URL + "\n")
	_ = f.Sim.UpdateApp("0oaprod", func(a *oktasim.App) { a.Status = "INACTIVE" })
	base, stop := startDaemon(t, f)
	defer stop()
	reconcileWhenFree(t, base)
	t.Run("the drifting check reaches Alertmanager", func(t *testing.T) {
		select {
		case alerts := <-posts:
			labels, _ := alerts[0]["labels"].(map[string]any)
			if labels["alertname"] != alertmanager.AlertDrift || labels["target"] != "prod" || labels["check"] != "okta.app_status" {
				t.Errorf("posted %v", alerts)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("nothing posted to Alertmanager")
		}
	})
	t.Run("metrics carry the build info and the outbox depth", func(t *testing.T) {
		_, body := fixture.Call(t, "GET", base+"/metrics", "", "")
		for _, want := range []string{"driftd_build_info{", `driftd_outbox_pending{notifier="alertmanager"}`, `driftd_outbox_pending{notifier="slack"}`} {
			if !strings.Contains(body, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
	})
}
