package source

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/driftd/driftd/checks"
)

// maxDiscoveryBody bounds a discovery document; Okta's are about 4 KiB.
const maxDiscoveryBody = 1 << 20

// DiscoveryReader fetches issuers' OIDC discovery documents.
type DiscoveryReader struct {
	client *http.Client
}

// NewDiscoveryReader returns a reader that retries like the Okta reader.
func NewDiscoveryReader(transport http.RoundTripper, policy RetryPolicy) *DiscoveryReader {
	if policy.Attempts == 0 {
		policy = DefaultRetryPolicy
	}
	return &DiscoveryReader{client: &http.Client{
		Transport: NewRetryTransport(transport, policy, nil),
		// A discovery document never redirects; following one could hide an
		// issuer that moved.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// DiscoveryURL is where an issuer publishes its discovery document.
func DiscoveryURL(issuer string) string {
	return strings.TrimRight(issuer, "/") + "/.well-known/openid-configuration"
}

// Fetch reads the discovery document of issuer. Okta's 404 is returned as a
// document with Found false: the issuer URL is wrong, which is drift.
func (r *DiscoveryReader) Fetch(ctx context.Context, issuer string) (*checks.Discovery, error) {
	u := DiscoveryURL(issuer)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("fetching discovery document %s: %w", u, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching discovery document %s: %w", u, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		if err := oktaNotFound(resp.Body, resp.Header.Get("Content-Type")); err != nil {
			return nil, BoundError(fmt.Errorf("fetching discovery document %s: answered 404 Not Found with %v, not Okta's error document, so whether the issuer is wrong or something in between (a proxy, an ingress) failed is not known: check oidc.issuer and the way to it", u, err))
		}
		return &checks.Discovery{URL: u, Found: false}, nil
	case resp.StatusCode != http.StatusOK:
		return nil, BoundError(fmt.Errorf("fetching discovery document %s: issuer answered %s%s", u, resp.Status, redirectTarget(resp)))
	}
	var doc struct {
		Issuer                        string   `json:"issuer"`
		AuthorizationEndpoint         string   `json:"authorization_endpoint"`
		ResponseTypesSupported        []string `json:"response_types_supported"`
		CodeChallengeMethodsSupported []string `json:"code_challenge_methods_supported"`
	}
	body := &limitedBody{ReadCloser: resp.Body, left: maxDiscoveryBody, limit: maxDiscoveryBody, service: "the issuer"}
	if err := json.NewDecoder(body).Decode(&doc); err != nil {
		return nil, BoundError(fmt.Errorf("decoding discovery document %s (Content-Type %q): %w", u, resp.Header.Get("Content-Type"), err))
	}
	// A 200 without an issuer ({}, null, another JSON document) is not a
	// discovery document: every OpenID provider must publish issuer
	// (OpenID Connect Discovery 1.0, section 3: "issuer REQUIRED").
	if doc.Issuer == "" {
		return nil, fmt.Errorf("decoding discovery document %s: the answer has no issuer, so it is not a discovery document", u)
	}
	// response_types_supported is REQUIRED as well (same section): judged
	// missing, it would read as an issuer that supports no flow at all.
	if len(doc.ResponseTypesSupported) == 0 {
		return nil, fmt.Errorf("decoding discovery document %s: the answer has no response_types_supported, so it is not a complete discovery document", u)
	}
	return &checks.Discovery{
		URL: u, Found: true, Issuer: doc.Issuer, AuthorizationEndpoint: doc.AuthorizationEndpoint,
		ResponseTypesSupported: doc.ResponseTypesSupported, CodeChallengeMethodsSupported: doc.CodeChallengeMethodsSupported,
	}, nil
}

// oktaNotFound returns nil when a 404's body is Okta's error document: a
// JSON object with an errorCode (Okta's management API spec, components.
// schemas.Error; E0000007 for an unknown authorization server), else what
// the body is instead.
func oktaNotFound(body io.Reader, contentType string) error {
	data, err := io.ReadAll(io.LimitReader(body, 64<<10))
	if err != nil {
		return fmt.Errorf("a body that could not be read (%v)", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return errors.New("an empty body")
	}
	var e struct {
		ErrorCode string `json:"errorCode"`
	}
	if json.Unmarshal(data, &e) != nil || e.ErrorCode == "" {
		return fmt.Errorf("a body of %d bytes (Content-Type %q)", len(data), contentType)
	}
	return nil
}

// redirectTarget names where a redirect points, without its query and
// fragment (a sign-in page's may carry anything), or "".
func redirectTarget(resp *http.Response) string {
	loc, err := resp.Location()
	if err != nil {
		return ""
	}
	loc.RawQuery, loc.Fragment, loc.User = "", "", nil
	return " that redirects to " + loc.String() + " (a discovery document never redirects)"
}
