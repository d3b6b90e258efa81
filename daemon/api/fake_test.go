package api

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/driftd/driftd/daemon/config"
)

func (f *fakeBackend) TargetStatus(ctx context.Context, target string) (TargetStatus, error) {
	all, err := f.Status(ctx)
	if err != nil {
		return TargetStatus{}, err
	}
	for _, st := range all {
		if st.Name == target {
			return st, nil
		}
	}
	return TargetStatus{}, &config.UnknownTargetError{Name: target}
}

// Runs filters the fake history; the real cursor is the store's
// (store.History) and is tested there and through the daemon.
func (f *fakeBackend) Runs(_ context.Context, q RunsQuery) (RunsPage, error) {
	if q.Before == "garbage" {
		return RunsPage{}, &QueryError{Param: "before", Reason: "not a cursor from a previous page nor an RFC 3339 time"}
	}
	page := RunsPage{Runs: []Run{}}
	for _, r := range f.history {
		if q.Target == "" || r.Target == q.Target {
			page.Runs = append(page.Runs, r)
		}
	}
	if len(page.Runs) > q.Limit {
		page.Runs, page.Next = page.Runs[:q.Limit], "more"
	}
	return page, nil
}

func (f *fakeBackend) Reload(context.Context) (ReloadResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reloads++
	if f.reloadErr != nil {
		return ReloadResult{}, f.reloadErr
	}
	return ReloadResult{Path: "/etc/driftd.yaml", Targets: []string{"prod"}}, nil
}

// newServerWith serves b's API with the status page on.
func newServerWith(t *testing.T, b *fakeBackend) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(NewHandler(b, NewMetrics(), Options{UI: func() bool { return true }}))
	t.Cleanup(srv.Close)
	return srv
}

var errStoreDown = errors.New("store closed")
