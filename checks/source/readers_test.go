package source

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every reader turns an answer that is not what it asked for into a failed
// read (an error), never into an observation the checks would judge as drift.

func TestEnvFileWithoutVariablesIsAFailedRead(t *testing.T) {
	tests := []struct {
		name, content, wantErr string
	}{
		{"an empty file is a failed read", "", "has no variables"},
		{"a file of comments and blank lines is a failed read", "# OIDC_CLIENT_ID=x\n\n   \n# the end\n", "has no variables"},
		{"a file larger than the bound is a failed read", "A=" + strings.Repeat("x", MaxEnvFileBytes) + "\n", "larger than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "w.env")
			if err := os.WriteFile(p, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			env, err := EnvFile{Path: p}.Env(context.Background())
			if err == nil || env != nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Env() = %+v, %v; want no env and an error saying %q", env, err, tc.wantErr)
			}
			if len(err.Error()) > MaxMessageBytes+len(truncatedMark) {
				t.Errorf("error message is %d bytes", len(err.Error()))
			}
		})
	}
}

func TestDiscoveryReaderRefusesADocumentThatIsNotOne(t *testing.T) {
	tests := []struct {
		name    string
		answer  http.HandlerFunc
		wantErr string
	}{
		{"an empty object is a failed read", jsonAnswer(200, "{}"), "has no issuer"},
		{"null is a failed read", jsonAnswer(200, "null"), "has no issuer"},
		{"a document without response_types_supported is a failed read, not missing support", jsonAnswer(200, `{"issuer":"https://acme.okta.com"}`), "no response_types_supported"},
		{"an empty body is a failed read", jsonAnswer(200, ""), "decoding discovery document"},
		{"an HTML page is a failed read", jsonAnswer(200, "<html>sign in</html>"), "decoding discovery document"},
		{"a 100 MB document is refused past the body limit", hugeAnswer(200, `{"issuer":"`, 100<<20, `"}`), "larger than 1 MiB"},
		{"a redirect is a failed read", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://localhost:1/.well-known/openid-configuration", http.StatusFound)
		}, "302"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.answer)
			defer srv.Close()
			doc, err := NewDiscoveryReader(nil, patientPolicy).Fetch(context.Background(), srv.URL)
			if err == nil || doc != nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Fetch() = %+v, %.300v; want no document and an error saying %q", doc, err, tc.wantErr)
			}
			if len(err.Error()) > MaxMessageBytes+len(truncatedMark) {
				t.Errorf("error message is %d bytes", len(err.Error()))
			}
		})
	}
}

// A 404 says the issuer has no discovery document only when Okta says so,
// with its error document (Okta's management API spec, components.schemas.
// Error: errorCode, errorSummary; E0000007 "Not found: Resource not found"
// for an unknown authorization server, as oktasim answers). A 404 from
// something in between (a proxy, an ingress, a captive portal), with an
// empty or HTML body, was judged drift: "not an Okta issuer".
func TestADiscovery404ThatIsNotOktasIsAFailedReadNotDrift(t *testing.T) {
	okta := jsonAnswer(404, `{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: /oauth2/nope (AuthorizationServer)","errorLink":"E0000007","errorId":"oae1","errorCauses":[]}`)
	srv := httptest.NewServer(okta)
	defer srv.Close()
	doc, err := NewDiscoveryReader(nil, patientPolicy).Fetch(context.Background(), srv.URL+"/oauth2/nope")
	if err != nil || doc == nil || doc.Found {
		t.Fatalf("Okta's 404: Fetch() = %+v, %v; want a document not found", doc, err)
	}
	tests := []struct {
		name   string
		answer http.HandlerFunc
		saying string
	}{
		{"an empty 404 from a proxy", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(404) }, "an empty body"},
		{"an HTML 404 page", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(404)
			_, _ = w.Write([]byte("<html><body>404 Not Found</body></html>"))
		}, `Content-Type "text/html"`},
		{"a JSON 404 that is not Okta's error", jsonAnswer(404, `{"message":"no route"}`), `Content-Type "application/json"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.answer)
			defer srv.Close()
			doc, err := NewDiscoveryReader(nil, patientPolicy).Fetch(context.Background(), srv.URL)
			if err == nil {
				t.Fatalf("Fetch() = %+v; want a failed read", doc)
			}
			for _, want := range []string{"404", srv.URL + "/.well-known/openid-configuration", "not Okta's", tc.saying} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
		})
	}
}

// A failed read says what came instead: where a redirect points (an issuer
// that moved, a proxy sending to its login; without the query, which may
// carry anything), and that a 200 that is not
// JSON was a page of some other type (a captive portal, a sign-in page).
// Both said only "answered 301" or "invalid character '<'".
func TestADiscoveryAnswerThatIsNotADocumentSaysWhatCameInstead(t *testing.T) {
	tests := []struct {
		name   string
		answer http.HandlerFunc
		want   string
	}{
		{"a redirect names where it points", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://login.proxy.example/?next=okta", http.StatusMovedPermanently)
		}, "redirects to https://login.proxy.example/ "},
		{"an HTML page names its content type", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte("<html>Sign in to the Wi-Fi</html>"))
		}, "text/html"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.answer)
			defer srv.Close()
			_, err := NewDiscoveryReader(nil, patientPolicy).Fetch(context.Background(), srv.URL)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one saying %q", err, tc.want)
			}
		})
	}
}
