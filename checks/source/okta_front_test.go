package source

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/oktasim"
)

// samlApp is what Okta answers for a SAML app: the same id, another sign-on
// mode and no oauthClient (okta/okta-management-openapi-spec,
// dist/current/management-minimal.yaml: SamlApplication).
const samlApp = `{"id":"0oa1","name":"acme_saml","label":"ACME","status":"ACTIVE","signOnMode":"SAML_2_0",
"settings":{"signOn":{"ssoAcsUrl":"https://wandb.acme.com/saml"}},"credentials":{"signing":{"kid":"k1"}}}`

func TestOktaReaderRefusesAnswersThatAreNotTheRequestedOIDCApp(t *testing.T) {
	tests := []struct {
		name    string
		answer  func(f *faultFront) http.HandlerFunc
		wantErr string
	}{
		{"an empty 200 body is a failed read", func(*faultFront) http.HandlerFunc { return jsonAnswer(200, "") }, "not the app"},
		{"an empty object is a failed read", func(*faultFront) http.HandlerFunc { return jsonAnswer(200, "{}") }, "not the app"},
		{"a null body is a failed read", func(*faultFront) http.HandlerFunc { return jsonAnswer(200, "null") }, "not the app"},
		{"another app's answer is a failed read", func(f *faultFront) http.HandlerFunc { return f.otherApp("0oa2") }, "answered app 0oa2"},
		{"a SAML app is a failed read", func(*faultFront) http.HandlerFunc { return jsonAnswer(200, samlApp) }, "signs on with SAML_2_0"},
		{"an OIDC app without its oauthClient settings is a failed read", func(*faultFront) http.HandlerFunc {
			return jsonAnswer(200, `{"id":"0oa1","signOnMode":"OPENID_CONNECT","status":"ACTIVE"}`)
		}, "no OIDC client settings"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, sim := startFront(t)
			sim.PutApp(oktasim.NewWandbApp("0oa2", "0oa2client", "https://other.acme.com", true))
			f.always(tc.answer(f))
			app, err := f.reader(t).App(context.Background(), "0oa1")
			if err == nil || app != nil {
				t.Fatalf("App() = %+v, %v; want no app and an error", app, err)
			}
			if !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "reading Okta app 0oa1") {
				t.Errorf("error = %q, want it to name the app and say %q", err, tc.wantErr)
			}
		})
	}
}

func TestOktaReaderNeverFollowsARedirect(t *testing.T) {
	tests := []struct {
		name string
		// host is how the second server is named in Location.
		host func(u string) string
	}{
		{"a redirect to the same host on another port is refused", func(u string) string { return u }},
		{"a redirect to another host is refused", func(u string) string { return strings.Replace(u, "127.0.0.1", "localhost", 1) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var reached, sawToken atomic.Int32
			elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				reached.Add(1)
				if strings.HasPrefix(r.Header.Get("Authorization"), "SSWS") {
					sawToken.Add(1)
				}
				// A forged, perfectly healthy app: following would take it as the verdict.
				jsonAnswer(200, `{"id":"0oa1","signOnMode":"OPENID_CONNECT","status":"ACTIVE","settings":{"oauthClient":{"application_type":"browser"}}}`)(w, r)
			}))
			defer elsewhere.Close()
			to := tc.host(elsewhere.URL) + "/api/v1/apps/0oa1"
			f, _ := startFront(t)
			f.always(func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, http.StatusFound) })
			app, err := f.reader(t).App(context.Background(), "0oa1")
			if err == nil || app != nil {
				t.Fatalf("App() = %+v, %v; want an error", app, err)
			}
			want := "Okta answered 302 redirect to " + to + ": refusing to follow (the token would be sent elsewhere)"
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error = %q, want it to contain %q", err, want)
			}
			if n := reached.Load(); n != 0 {
				t.Errorf("the redirect target was asked %d times (%d with the SSWS token)", n, sawToken.Load())
			}
			if f.requests() != 1 {
				t.Errorf("a redirect was retried: %d requests", f.requests())
			}
		})
	}
}

func TestOktaReaderBoundsWhatItReads(t *testing.T) {
	const huge = 100 << 20
	tests := []struct {
		name    string
		answer  http.HandlerFunc
		wantErr string
	}{
		{"a 100 MB app is refused past the body limit", hugeAnswer(200, `{"id":"0oa1","label":"`, huge, `"}`), "larger than 4 MiB"},
		{"a 100 MB errorSummary is refused past the body limit", hugeAnswer(400, `{"errorCode":"E0000001","errorSummary":"`, huge, `"}`), "larger than 4 MiB"},
		{"a 2 MB errorSummary is cut to a bounded message", hugeAnswer(400, `{"errorCode":"E0000001","errorSummary":"`, 2<<20, `"}`), "…(truncated)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := startFront(t)
			f.always(tc.answer)
			r := f.readerWith(t, patientPolicy)
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			app, err := r.App(context.Background(), "0oa1")
			runtime.ReadMemStats(&after)
			if err == nil || app != nil {
				t.Fatalf("App() = %+v, %v; want an error", app, err)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error = %.200q…, want it to contain %q", err, tc.wantErr)
			}
			if n := len(err.Error()); n > MaxMessageBytes+len("…(truncated)") {
				t.Errorf("error message is %d bytes, want at most %d", n, MaxMessageBytes)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 48<<20 {
				t.Errorf("reading allocated %d MiB, want the body limit to bound it", alloc>>20)
			}
		})
	}
}

func TestOktaReaderRecoversFromARateLimitWithoutARestart(t *testing.T) {
	tests := []struct {
		name  string
		reset func() string
	}{
		{"a 429 whose reset is 10 minutes away", func() string { return strconv.FormatInt(time.Now().Add(10*time.Minute).Unix(), 10) }},
		{"a 429 whose reset is in the year 3000", func() string { return "32503680000" }},
		{"a 429 whose reset overflows", func() string { return "9223372036854775807" }},
	}
	for _, tc := range tests {
		t.Run(tc.name+" holds later reads only until a probe", func(t *testing.T) {
			f, sim := startFront(t)
			budget := NewRateBudget(0.5)
			budget.MaxWait = 300 * time.Millisecond
			// patientPolicy: a 300 ms attempt timeout ended the read after
			// the limit lifted on a loaded machine (-race, load 20).
			r, err := NewOktaReader(context.Background(), OktaOptions{OrgURL: f.URL, Token: sim.Token, Retry: patientPolicy, Transport: budget.Transport(nil)})
			if err != nil {
				t.Fatal(err)
			}
			f.always(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Date", time.Now().UTC().Format(http.TimeFormat))
				w.Header().Set("X-Rate-Limit-Limit", "600")
				w.Header().Set("X-Rate-Limit-Remaining", "0")
				w.Header().Set("X-Rate-Limit-Reset", tc.reset())
				jsonAnswer(429, `{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests."}`)(w, nil)
			})
			if _, err := r.App(context.Background(), "0oa1"); err == nil || !strings.Contains(err.Error(), "rate limited since") {
				t.Fatalf("during the rate limit: %v", err)
			}
			f.always(nil) // Okta lifts the limit; only an answer can tell driftd
			start := time.Now()
			app, err := r.App(context.Background(), "0oa1")
			if err != nil || app.ID != "0oa1" {
				t.Fatalf("the read after the limit lifted: %+v, %v", app, err)
			}
			// Far below the reset 10 minutes (or centuries) away.
			if took := time.Since(start); took > 30*time.Second {
				t.Errorf("the read after the limit waited %s", took)
			}
			if !budget.limitedSince().IsZero() {
				t.Errorf("the budget still thinks it is rate limited since %s", budget.limitedSince())
			}
		})
	}
}
