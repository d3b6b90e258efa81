package daemon

import (
	"testing"

	"github.com/driftd/driftd/daemon/notify/alertmanager"
	"github.com/driftd/driftd/daemon/store"
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
