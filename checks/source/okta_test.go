package source

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/fakeclock"
	"github.com/driftd/driftd/internal/oktasim"
)

var testPolicy = RetryPolicy{Attempts: 3, AttemptTimeout: 300 * time.Millisecond, BaseDelay: 10 * time.Millisecond, MaxDelay: 50 * time.Millisecond, MaxRateLimitWait: 3 * time.Second}

// patientPolicy is testPolicy for tests that prove a body limit, not a
// timeout: on a busy machine the megabytes before the limit can take longer
// to arrive than testPolicy's 300ms, and the read would end in "context
// deadline exceeded" before the limit is reached.
var patientPolicy = func() RetryPolicy { p := testPolicy; p.AttemptTimeout = time.Minute; return p }()

func startSim(t *testing.T) (*oktasim.Server, *OktaReader) {
	t.Helper()
	return startSimWith(t, testPolicy)
}

// startSimWith is startSim with another retry policy: patientPolicy for
// reads of many pages, which a 300 ms attempt timeout cut short under load
// (TestAllThreeHundredTrustedOriginsAreReadAcrossPages, -race, load 20).
func startSimWith(t *testing.T, policy RetryPolicy) (*oktasim.Server, *OktaReader) {
	t.Helper()
	sim, err := oktasim.Start(oktasim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	sim.PutApp(oktasim.NewWandbApp("0oa1", "0oa1client", "https://wandb.acme.com", true))
	r, err := NewOktaReader(context.Background(), OktaOptions{OrgURL: sim.URL + "/", Token: sim.Token, Retry: policy})
	if err != nil {
		t.Fatal(err)
	}
	return sim, r
}

func TestOktaReaderReadsTheAppThroughTheSDK(t *testing.T) {
	sim, r := startSim(t)
	app, err := r.App(context.Background(), "0oa1")
	if err != nil {
		t.Fatal(err)
	}
	if app.ClientID != "0oa1client" || app.ApplicationType != "browser" || app.Status != "ACTIVE" || !app.PKCERequired ||
		app.TokenEndpointAuthMethod != "none" || len(app.GrantTypes) != 2 || app.RedirectURIs[0] != "https://wandb.acme.com/oidc/callback" {
		t.Errorf("app = %+v", app)
	}
	if n := sim.Count("/api/v1/apps/0oa1"); n != 1 {
		t.Errorf("requests = %d, want 1", n)
	}
}

func TestOktaReaderNeverCaches(t *testing.T) {
	sim, r := startSim(t)
	ctx := context.Background()
	if _, err := r.App(ctx, "0oa1"); err != nil {
		t.Fatal(err)
	}
	if err := sim.UpdateApp("0oa1", func(a *oktasim.App) { a.Settings.OAuthClient.RedirectURIs = []string{"https://evil.example.com/cb"} }); err != nil {
		t.Fatal(err)
	}
	app, err := r.App(ctx, "0oa1")
	if err != nil {
		t.Fatal(err)
	}
	if app.RedirectURIs[0] != "https://evil.example.com/cb" {
		t.Errorf("second read returned a cached app: %v", app.RedirectURIs)
	}
}

func TestOktaReaderFaults(t *testing.T) {
	tests := []struct {
		name      string
		faults    []oktasim.Fault
		outage    *oktasim.Fault
		wantErr   string
		wantCalls int
		maxWait   time.Duration // on the fake clock: the policy's waits, not the machine's speed
	}{
		{name: "a 429 is retried after X-Rate-Limit-Reset", faults: []oktasim.Fault{{Kind: oktasim.FaultStatus, Status: 429}}, wantCalls: 2, maxWait: 2500 * time.Millisecond},
		{name: "a 500 is retried with backoff", faults: []oktasim.Fault{{Kind: oktasim.FaultStatus, Status: 500}}, wantCalls: 2, maxWait: time.Second},
		{name: "a dropped connection is retried", faults: []oktasim.Fault{{Kind: oktasim.FaultDrop}}, wantCalls: 2, maxWait: time.Second},
		// Held in the simulator until the attempt's timeout lets it go.
		{name: "a slow answer times out and is retried", faults: []oktasim.Fault{{Kind: oktasim.FaultHold, Hold: oktasim.NewHold()}}, wantCalls: 2, maxWait: time.Second},
		{name: "a lasting 503 ends after the attempts", outage: &oktasim.Fault{Kind: oktasim.FaultStatus, Status: 503}, wantErr: "Okta answered 503 after retries", wantCalls: 3, maxWait: time.Second},
		{name: "a 429 whose reset is too far away ends at once", outage: &oktasim.Fault{Kind: oktasim.FaultStatus, Status: 429, ResetIn: 10 * time.Minute}, wantErr: "(429) after 1 attempts", wantCalls: 1, maxWait: 0},
		{name: "a lasting 429 ends after the attempts", outage: &oktasim.Fault{Kind: oktasim.FaultStatus, Status: 429}, wantErr: "(429) after 3 attempts", wantCalls: 3, maxWait: 5 * time.Second},
		// The attempts are counted by driftd's own error: a dropped
		// connection's next attempt may fail in the client before the
		// simulator sees it (requests = 2 once under load), so the
		// simulator's count is not the attempts'.
		{name: "a lasting dropped connection ends after the attempts", outage: &oktasim.Fault{Kind: oktasim.FaultDrop}, wantErr: "after 3 attempts", wantCalls: -1, maxWait: time.Second},
		{name: "a 401 is not retried and blames the token", outage: &oktasim.Fault{Kind: oktasim.FaultStatus, Status: 401}, wantErr: "Okta rejected the API token (401)", wantCalls: 1, maxWait: time.Second},
		{name: "a 403 is not retried", outage: &oktasim.Fault{Kind: oktasim.FaultStatus, Status: 403}, wantErr: "the API token may not read apps (403)", wantCalls: 1, maxWait: time.Second},
		{name: "a 404 names the app", outage: &oktasim.Fault{Kind: oktasim.FaultStatus, Status: 404}, wantErr: "no app 0oa1 in this org (404)", wantCalls: 1, maxWait: time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// The retries and the simulator share a fake clock, moved on
			// whenever the retries sleep: a wait is read off the clock.
			clock := fakeclock.New(time.Now())
			policy := testPolicy
			policy.Clock = clock
			sim, r := startSimWith(t, policy)
			sim.SetClock(clock.Now)
			for _, f := range tc.faults {
				if f.Hold != nil {
					t.Cleanup(f.Hold.Release)
				}
			}
			sim.InjectFaults(tc.faults...)
			if tc.outage != nil {
				sim.SetOutage(*tc.outage)
			}
			defer advanceWhileSleeping(clock)()
			start := clock.Now()
			// A hang guard: an attempt timeout that never fires would
			// leave a held request waiting.
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			app, err := r.App(ctx, "0oa1")
			waited := clock.Now().Sub(start)
			if tc.wantErr == "" && (err != nil || app.ClientID != "0oa1client") {
				t.Fatalf("App() = %+v, %v; want success", app, err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("App() error = %v, want it to contain %q", err, tc.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), sim.Token) {
				t.Fatalf("error leaks the API token: %v", err)
			}
			if n := sim.Count("/api/v1/apps/0oa1"); tc.wantCalls >= 0 && n != tc.wantCalls {
				t.Errorf("requests = %d, want %d", n, tc.wantCalls)
			}
			if waited > tc.maxWait {
				t.Errorf("waited %s, want at most %s", waited, tc.maxWait)
			}
		})
	}
}

// advanceWhileSleeping moves clock to each sleeper's wake-up time as soon
// as it sleeps, until the returned stop is called.
func advanceWhileSleeping(clock *fakeclock.Clock) (stop func()) {
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			select {
			case <-done:
				return
			default:
			}
			if next, ok := clock.Next(); ok {
				clock.Set(next)
				continue
			}
			time.Sleep(time.Millisecond) // polling for a sleeper, not proving a state
		}
	}()
	return func() { close(done); <-stopped }
}

func TestOktaReaderWithAWrongTokenIsRejected(t *testing.T) {
	sim, _ := startSim(t)
	r, err := NewOktaReader(context.Background(), OktaOptions{OrgURL: sim.URL, Token: "wrong-token", Retry: testPolicy})
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.App(context.Background(), "0oa1")
	if err == nil || !strings.Contains(err.Error(), "Okta rejected the API token") || strings.Contains(err.Error(), "wrong-token") {
		t.Fatalf("err = %v", err)
	}
}

func TestOktaReaderSendsOktaHeadersBack(t *testing.T) {
	sim, _ := startSim(t)
	var remaining string
	r, err := NewOktaReader(context.Background(), OktaOptions{OrgURL: sim.URL, Token: sim.Token, Retry: testPolicy,
		Observe: func(_ *http.Request, resp *http.Response, _ error) {
			if resp != nil {
				remaining = resp.Header.Get("X-Rate-Limit-Remaining")
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.App(context.Background(), "0oa1"); err != nil {
		t.Fatal(err)
	}
	if remaining != "599" {
		t.Errorf("X-Rate-Limit-Remaining seen = %q, want 599", remaining)
	}
}

func TestDiscoveryReader(t *testing.T) {
	sim, _ := startSim(t)
	r := NewDiscoveryReader(nil, testPolicy)
	ctx := context.Background()
	doc, err := r.Fetch(ctx, sim.URL)
	if err != nil || !doc.Found || doc.Issuer != sim.URL {
		t.Fatalf("org issuer: %+v, %v", doc, err)
	}
	doc, err = r.Fetch(ctx, sim.URL+"/oauth2/default")
	if err != nil || !doc.Found || doc.Issuer != sim.URL+"/oauth2/default" {
		t.Fatalf("custom issuer: %+v, %v", doc, err)
	}
	doc, err = r.Fetch(ctx, sim.URL+"/oauth2/nope")
	if err != nil || doc.Found {
		t.Fatalf("unknown issuer must be a 404 document, got %+v, %v", doc, err)
	}
}
