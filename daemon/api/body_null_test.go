package api

import (
	"strings"
	"testing"
)

// TestAJSONNullBodyIsRefusedNotARunOfEveryTarget: encoding/json decodes
// null into a struct as "nothing", so a client that sent null (a nil map
// or pointer marshalled) ran every target, apply-mode ones included. Only
// an empty body means every target; null is not the JSON object the API
// asks for.
func TestAJSONNullBodyIsRefusedNotARunOfEveryTarget(t *testing.T) {
	srv, b := newServer(t, Options{})
	for _, body := range []string{`null`, ` null `} {
		resp, got := do(t, srv, "POST", "/v1/reconcile", "Bearer api-secret", body)
		if resp.StatusCode != 400 || !strings.Contains(got, "the body must be a JSON object, not null") {
			t.Errorf("body %q: %d %s; want 400 naming the JSON object it wants", body, resp.StatusCode, got)
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.runs) != 0 {
		t.Errorf("runs %v after null bodies; want none", b.runs)
	}
}
