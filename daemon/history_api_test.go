package daemon

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/api"
	"github.com/driftd/driftd/internal/fixture"
)

func TestTheHistoryPagesThroughStoredRuns(t *testing.T) {
	f := fixture.New(t, "prod", "staging")
	base, stop := startDaemon(t, f)
	defer stop()
	for range 3 {
		if code := reconcileWhenFree(t, base); code != http.StatusOK {
			t.Fatalf("reconcile = %d", code)
		}
	}
	// The start-up pass waits while a reconcile holds the target, so it may
	// be recorded after the three reconciles: wait for all four runs.
	deadline := time.Now().Add(startupDeadline)
	for {
		_, body := fixture.Call(t, "GET", base+"/v1/runs?target=prod&limit=10", apiToken, "")
		var p api.RunsPage
		if json.Unmarshal([]byte(body), &p) == nil && len(p.Runs) >= 4 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	var seen []string
	before := ""
	for page := 0; ; page++ {
		if page > 10 {
			t.Fatal("the cursor never reached the last page")
		}
		code, body := fixture.Call(t, "GET", base+"/v1/runs?target=prod&limit=2&before="+url.QueryEscape(before), apiToken, "")
		var p api.RunsPage
		if err := json.Unmarshal([]byte(body), &p); code != 200 || err != nil {
			t.Fatalf("GET /v1/runs = %d %s (%v)", code, body, err)
		}
		for i, r := range p.Runs {
			if r.Target != "prod" || r.Result.Name != "prod" {
				t.Errorf("a run of %s in prod's history", r.Target)
			}
			if i > 0 && r.Started.After(p.Runs[i-1].Started) {
				t.Errorf("runs are not newest first: %v after %v", r.Started, p.Runs[i-1].Started)
			}
			seen = append(seen, r.ID)
		}
		if p.Next == "" {
			break
		}
		before = p.Next
	}
	// The start-up pass and three reconciles; a run never shows twice.
	if len(seen) != 4 || len(map[string]bool{seen[0]: true, seen[1]: true, seen[2]: true, seen[3]: true}) != 4 {
		t.Errorf("prod's history = %v; want 4 distinct runs", seen)
	}
	code, body := fixture.Call(t, "GET", base+"/v1/runs?before=bm90LWEtY3Vyc29y", apiToken, "")
	if code != http.StatusBadRequest || !strings.Contains(body, `"error":"before: not a cursor`) {
		t.Errorf("a bad cursor = %d %s", code, body)
	}
	code, body = fixture.Call(t, "GET", base+"/v1/status/staging", apiToken, "")
	if code != 200 || !strings.Contains(body, `"name":"staging"`) || !strings.Contains(body, `"next_run"`) {
		t.Errorf("GET /v1/status/staging = %d %s", code, body)
	}
	if code, body = fixture.Call(t, "GET", base+"/v1/status/zzz", apiToken, ""); code != 404 || !strings.Contains(body, `{"error":"no target named \"zzz\" in the config"}`) {
		t.Errorf("GET /v1/status/zzz = %d %s", code, body)
	}
}

func TestReloadThroughTheAPI(t *testing.T) {
	f := fixture.New(t, "prod", "staging")
	base, stop := startDaemon(t, f)
	defer stop()
	tests := []struct {
		name   string
		config string
		status int
		want   string
	}{
		{"a config with a target less is loaded", strings.Split(f.Body, "  - name: staging")[0], 200, `"targets":["prod"]`},
		{"a config with an unknown key is refused by key path", f.Body + "bogus: 1\n", 400, `config refused, the running config stays: invalid config ` + f.Cfg + `:\n  - bogus: unknown key`},
		{"a config that does not parse is refused", "okta: [\n", 400, `config refused`},
		// Start-up refuses it; a reload that took it would lock out every bearer request.
		{"a config without server.token is refused as serve refuses it at start-up",
			strings.Replace(f.Body, "server:\n  token: ${DRIFTD_TEST_API_TOKEN}\n", "", 1), 400, `server.token: required for serve`},
		{"the full config is loaded again", f.Body, 200, `"targets":["prod","staging"]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.WriteConfig(tc.config)
			code, body := fixture.Call(t, "POST", base+"/-/reload", apiToken, "")
			if code != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("POST /-/reload = %d %s; want %d containing %s", code, body, tc.status, tc.want)
			}
			if !strings.HasPrefix(body, "{") {
				t.Errorf("not JSON: %s", body)
			}
			if code, _ := fixture.Call(t, "GET", base+"/v1/status", apiToken, ""); code != 200 {
				t.Errorf("after the reload the bearer token gets %d", code)
			}
		})
	}
	if code, body := fixture.Call(t, "GET", base+"/v1/status", apiToken, ""); code != 200 || !strings.Contains(body, `"name":"staging"`) {
		t.Errorf("after the reloads the status = %d %s; want staging back", code, body)
	}
	if code, _ := fixture.Call(t, "POST", base+"/-/reload", "wrong", ""); code != http.StatusUnauthorized {
		t.Errorf("a reload with a wrong token = %d; want 401", code)
	}
}

func TestServerUIFalseTurnsTheStatusPageOff(t *testing.T) {
	f := fixture.New(t, "prod")
	off := strings.Replace(f.Body, "server:\n", "server:\n  ui: false\n", 1)
	f.WriteConfig(off)
	base, stop := startDaemon(t, f)
	defer stop()
	for _, path := range []string{"/", "/login"} {
		if code, body := fixture.Call(t, "GET", base+path, "", ""); code != 404 || body != "{\"error\":\"no such endpoint: "+path+"\"}\n" {
			t.Errorf("with server.ui: false, GET %s = %d %q; want the JSON 404", path, code, body)
		}
	}
	// A reload turns it back on: the page follows the running config.
	f.WriteConfig(f.Body)
	if code, body := fixture.Call(t, "POST", base+"/-/reload", apiToken, ""); code != 200 {
		t.Fatalf("reload = %d %s", code, body)
	}
	if code, body := fixture.Call(t, "GET", base+"/login", "", ""); code != 200 || !strings.Contains(body, `name="token"`) {
		t.Errorf("with server.ui on, GET /login = %d %s", code, body)
	}
}

func TestTheHistoryOfATargetTheConfigLacksIs404(t *testing.T) {
	f := fixture.New(t, "prod")
	base, stop := startDaemon(t, f)
	defer stop()
	code, body := fixture.Call(t, "GET", base+"/v1/runs?target=nope", apiToken, "")
	if code != http.StatusNotFound || !strings.Contains(body, `no target named \"nope\"`) {
		t.Fatalf("GET /v1/runs?target=nope = %d %s, want 404 naming the target (as /v1/status/nope)", code, body)
	}
}
