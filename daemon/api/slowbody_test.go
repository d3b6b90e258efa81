package api

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// hookSink is an Event Hook sink with a secret.
type hookSink struct{}

func (hookSink) HookSecret() string          { return "hook-secret" }
func (hookSink) Deliver(string, []OktaEvent) {}

// TestEveryBodyReadingEndpointRefusesANeverEndingBodyQuickly: the Event
// Hook (Okta gives up after 3 s) and the unauthenticated Slack endpoint
// are bounded like /v1/reconcile, not by Go's 30 s read timeout.
func TestEveryBodyReadingEndpointRefusesANeverEndingBodyQuickly(t *testing.T) {
	h := NewHandler(&fakeBackend{}, NewMetrics(), Options{BodyTimeout: 300 * time.Millisecond, SlackApprovals: newFakeApprovals("UALICE"), OktaEvents: hookSink{},
		UI: func() bool { return true }})
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, tc := range []struct{ name, path, auth string }{
		{"a Slack click whose body never ends is answered within the body timeout", "/v1/slack/interactions", ""},
		{"an Event Hook delivery whose body never ends is answered within the body timeout", "/v1/okta/events", "hook-secret"},
		{"a login form whose body never ends is answered within the body timeout", "/login", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n", tc.path, tc.auth)
			start := time.Now()
			_ = conn.SetReadDeadline(start.Add(5 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("no answer within 5s: %v", err)
			}
			resp.Body.Close()
			if took := time.Since(start); resp.StatusCode < 400 || took > 3*time.Second {
				t.Errorf("%d after %v", resp.StatusCode, took)
			}
		})
	}
}
