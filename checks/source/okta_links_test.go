package source

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// linkOrg answers as the org https://acme.okta.example without a network:
// every trusted-origins page holds one origin and a Link rel="next" that the
// case chooses (Okta's paging: "Link: <…?after=…&limit=…>; rel=\"next\"",
// okta-management-openapi-2026.06.3.yaml, listTrustedOrigins). Requests to
// any other host are recorded, with whether they carried a credential.
type linkOrg struct {
	next func(n int) string // the next link of page n; "" ends the list

	mu       sync.Mutex
	pages    int
	offOrg   []string
	leaked   bool
	lastHost string
}

func (o *linkOrg) RoundTrip(req *http.Request) (*http.Response, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	answer := func(body string, h http.Header) *http.Response {
		h.Set("Content-Type", "application/json")
		return &http.Response{StatusCode: 200, Header: h, Body: io.NopCloser(strings.NewReader(body)), Request: req}
	}
	if req.URL.Host != "acme.okta.example" || req.URL.User != nil {
		o.offOrg = append(o.offOrg, req.URL.Redacted())
		o.leaked = o.leaked || req.Header.Get("Authorization") != ""
		return answer("[]", http.Header{}), nil
	}
	o.pages++
	if o.pages > 2*maxListPages+10 {
		// A hang guard, not a clock: the reader never stopped paging.
		return nil, fmt.Errorf("linkOrg: %d pages read, the reader does not stop", o.pages)
	}
	h := http.Header{}
	if l := o.next(o.pages); l != "" {
		h.Set("Link", "<"+l+`>; rel="next"`)
	}
	body := fmt.Sprintf(`[{"id":"tos%d","name":"o%d","origin":"https://o%d.acme.test","status":"ACTIVE","scopes":[{"type":"CORS"}]}]`, o.pages, o.pages, o.pages)
	return answer(body, h), nil
}

func TestAPagesNextLinkNeverTakesTheTokenOffTheOrg(t *testing.T) {
	tests := []struct {
		name string
		next func(n int) string
	}{
		// The SDK drops a link's scheme and host, then prefixes the org URL
		// (okta-sdk-golang v2.20.0 requestExecutor.go newResponse and
		// NewRequest: OrgUrl + url), so these relative forms name other hosts.
		{"a userinfo trick", once("@evil.example/api/v1/trustedOrigins?after=x")},
		{"a host suffix trick", once(".evil.example/api/v1/trustedOrigins?after=x")},
		{"an absolute link to another host", once("https://evil.example/api/v1/trustedOrigins?after=x")},
		// url.Parse fails on it, and the SDK dereferences the nil URL.
		{"a link that does not parse", once(":8443/api/v1/trustedOrigins?after=x")},
		{"a link that names the same cursor again", func(int) string { return "https://acme.okta.example/api/v1/trustedOrigins?after=same&limit=200" }},
		{"a list of endless pages", func(n int) string {
			return fmt.Sprintf("https://acme.okta.example/api/v1/trustedOrigins?after=p%d&limit=200", n)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			org := &linkOrg{next: tc.next}
			r, err := NewOktaReader(context.Background(), OktaOptions{
				OrgURL: "https://acme.okta.example", Token: "00secret-token", Transport: org,
				Retry: RetryPolicy{Attempts: 1, AttemptTimeout: time.Minute, MaxDelay: time.Second},
			})
			if err != nil {
				t.Fatal(err)
			}
			got, err := readOriginsNoPanic(r)
			if err != nil && strings.HasPrefix(err.Error(), "panic:") {
				t.Fatalf("TrustedOrigins() %v", err)
			}
			org.mu.Lock()
			defer org.mu.Unlock()
			if org.leaked || len(org.offOrg) > 0 {
				t.Errorf("requests left the org: %v (credential sent: %v)", org.offOrg, org.leaked)
			}
			if org.pages > maxListPages+1 {
				t.Errorf("read %d pages, want at most %d", org.pages, maxListPages+1)
			}
			// An absolute link is read from the org (the SDK puts the org's
			// host on it), so the second page is simply read; anything else
			// must fail.
			if tc.name == "an absolute link to another host" && err == nil {
				return
			}
			if err == nil {
				t.Fatalf("TrustedOrigins() = %d origins, nil error; want an error", len(got))
			}
			if strings.Contains(err.Error(), "00secret-token") {
				t.Errorf("error carries the token: %v", err)
			}
			t.Logf("error: %v", err)
		})
	}
}

func once(link string) func(n int) string {
	return func(n int) string {
		if n == 1 {
			return link
		}
		return ""
	}
}

func readOriginsNoPanic(r *OktaReader) (n []string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
			n = nil
		}
	}()
	got, err := r.TrustedOrigins(context.Background())
	if got != nil {
		for _, o := range got.Origins {
			n = append(n, o.Origin)
		}
	}
	if err == nil && len(n) == 0 {
		return nil, fmt.Errorf("no origins and no error")
	}
	return n, err
}

// TestRecordedLinksAreAccepted: the Link headers real orgs sent (okta-vcr
// 6.12.0, e.g. TestAccDataSourceOktaAppGroupAssignments_read/classic-00.yaml
// and the authorization server and policy recordings) and a next link of
// the form the System Log documents pass the org-only check.
func TestRecordedLinksAreAccepted(t *testing.T) {
	org := &url.URL{Scheme: "https", Host: "classic-00.dne-okta.com"}
	links := []string{
		`<https://classic-00.dne-okta.com/api/v1/apps/0oauj8lxpakUbVDPF1d7/groups?limit=200>; rel="self"`,
		`<https://classic-00.dne-okta.com/api/v1/apps?limit=1&q=testAcc_2849725357&filter=status+eq+%22ACTIVE%22>; rel="self"`,
		`<https://classic-00.dne-okta.com/api/v1/policies?type=ACCESS_POLICY>; rel="self"`,
		`<https://classic-00.dne-okta.com/api/v1/logs?since=2026-11-29T00%3A00%3A00.000Z&after=1574381254425_1>; rel="next"`,
	}
	if err := checkLinks(links, org); err != nil {
		t.Fatal(err)
	}
}
