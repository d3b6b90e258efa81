package source

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/driftd/driftd/checks"
	"github.com/okta/okta-sdk-golang/v2/okta"
)

// OktaOptions configures the Okta reader.
type OktaOptions struct {
	// OrgURL is https://ORG.okta.com; plain http only for loopback simulators.
	OrgURL string
	// Token is an SSWS API token. It is only ever placed in the
	// Authorization header.
	Token string
	// Retry bounds retries; the zero value means DefaultRetryPolicy.
	Retry RetryPolicy
	// Transport carries the requests; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Observe, when set, sees every Okta answer (metrics, rate-limit budget).
	Observe ResponseObserver
	// OAuth, when set, authenticates as an OAuth 2.0 service app instead of
	// with Token (okta_oauth.go).
	OAuth *OktaOAuth
}

// OktaReader reads OIDC apps through the official okta-sdk-golang client.
type OktaReader struct {
	client *okta.Client
	org    string
	oauth  *OktaOAuth // nil: SSWS API token
}

// NewOktaReader builds the SDK client with defaults fit for drift checking.
func NewOktaReader(ctx context.Context, opts OktaOptions) (*OktaReader, error) {
	org := strings.TrimRight(opts.OrgURL, "/")
	u, err := url.Parse(org)
	if err != nil {
		return nil, fmt.Errorf("parsing Okta org URL: %w", err)
	}
	policy := opts.Retry
	if policy.Attempts == 0 {
		policy = DefaultRetryPolicy
		policy.Clock = opts.Retry.Clock
	}
	httpClient := &http.Client{
		// The guard sits under the retries: a redirect is an answer, never
		// retried, and every attempt's body is bounded.
		Transport: NewRetryTransport(orgOnly(guardTransport(opts.Transport, "Okta", MaxOktaBody), u), policy, opts.Observe),
		// Never follow a redirect from Okta: Go forwards the SSWS token to
		// the same host on another port, and another host's answer would be
		// taken as the verdict. The guard already turns a 3xx into an error;
		// this keeps it so if the transport is ever swapped.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	auth, err := authSetters(opts, httpClient)
	if err != nil {
		return nil, err
	}
	overall := int64(policy.Attempts)*int64((policy.AttemptTimeout+policy.MaxDelay)/time.Second) + int64(policy.MaxRateLimitWait/time.Second) + 1
	_, client, err := okta.NewClient(ctx, append(auth,
		okta.WithOrgUrl(org),
		// The SDK caches GETs for 5 minutes by default, which would hide drift.
		okta.WithCache(false),
		// Bounds a whole read including our retries; each attempt is bounded
		// by the retry transport.
		okta.WithRequestTimeout(overall),
		// The SDK's own retry is off: the retry transport and the rate
		// budget (retry.go, budget.go) do the job, and the SDK's would not.
		// Its retry, okta-sdk-golang v2.20.0 okta/requestExecutor.go
		// doWithRetries (L496-553):
		//  - retries a 429 only: any other answer, a 5xx included, returns
		//    at once (L532-534), and a transport error other than io.EOF
		//    is permanent (L528-530), so an Okta outage is never retried;
		//  - retries io.EOF without counting it (L525-527: retryCount grows
		//    only on a 429, L546; the backoff stays 0), which spins on a
		//    dropped connection until the timeout (retry.go says "%v", not "%w");
		//  - waits X-Rate-Limit-Reset minus the Date header (Get429BackoffTime,
		//    L565-577): no Retry-After, and a 429 without a Date header is
		//    a permanent error;
		//  - caps the wait at MaxBackoff (L542-544) but never weighs it
		//    against the read's deadline, where driftd gives up at once;
		//  - sleeps on cenkalti/backoff's wall-clock timer (backoff.Retry,
		//    L551), so no test can drive it with a fake clock;
		//  - ends in errors.New("too many requests") (L549), without when
		//    the limit began or lifts: driftd's RateLimitedError carries
		//    Since and Reset for status error and the outage alert;
		//  - knows one request: no window per Okta bucket shared by every
		//    reader of the org, no reserve, no probe after the cap (RateBudget).
		// Both layers on would also multiply the attempts.
		okta.WithRateLimitMaxRetries(0),
		okta.WithHttpClientPtr(httpClient),
		okta.WithTestingDisableHttpsCheck(u.Scheme == "http" && checks.IsLoopbackHost(u.Hostname())),
		okta.WithUserAgentExtra("driftd"),
	)...)
	if err != nil {
		return nil, fmt.Errorf("creating Okta client for %s: %w", org, err)
	}
	r := &OktaReader{client: client, org: org}
	if o := opts.OAuth; o != nil {
		// The reader keeps what its messages name, not the key.
		r.oauth = &OktaOAuth{ClientID: o.ClientID, KeyID: o.KeyID, Scopes: o.Scopes}
	}
	return r, nil
}

// App reads an OIDC app by id.
func (r *OktaReader) App(ctx context.Context, appID string) (*checks.OktaApp, error) {
	got, resp, err := r.client.Application.GetApplication(ctx, appID, okta.NewOpenIdConnectApplication(), nil)
	if err != nil {
		err = r.explain(appID, resp, err)
		if resp != nil && resp.Response != nil && resp.StatusCode == http.StatusNotFound {
			err = appNotFound{err}
		}
		return nil, BoundError(err)
	}
	oidc, ok := got.(*okta.OpenIdConnectApplication)
	if !ok || oidc == nil {
		return nil, fmt.Errorf("reading Okta app %s: Okta's answer is not the app (%T)", appID, got)
	}
	if err := checkAnswer(appID, oidc); err != nil {
		return nil, BoundError(fmt.Errorf("reading Okta app %s: %w", appID, err))
	}
	app := appFromSDK(oidc)
	app.OrgURL = r.org
	return app, nil
}

// ErrAppNotFound is in the chain of App's error when Okta answers 404 for
// the app id: the app does not exist in the org (or the credential cannot
// see it), which remediation must not paper over.
var ErrAppNotFound = errors.New("no such Okta app")

// appNotFound marks a read error as ErrAppNotFound and keeps its message.
type appNotFound struct{ error }

func (e appNotFound) Is(target error) bool { return target == ErrAppNotFound }
func (e appNotFound) Unwrap() error        { return e.error }

// checkAnswer refuses an answer that is not the OIDC app asked for: an empty
// body, {} or null decode to an app without an id, and judging such an
// answer would report every field as drift. An OIDC app has signOnMode
// OPENID_CONNECT, and its settings are required (okta/okta-management-
// openapi-spec, dist/current/management-minimal.yaml: OpenIdConnectApplication
// requires name, settings and credentials); settings.oauthClient holds the
// redirect URIs and grant types every OIDC app is created with, so an answer
// without it is not an app driftd can judge.
func checkAnswer(appID string, a *okta.OpenIdConnectApplication) error {
	switch {
	case a.Id == "":
		return errors.New("Okta's answer is not the app: it has no id (an empty body, {} or null)")
	case a.Id != appID:
		return fmt.Errorf("Okta answered app %s instead: refusing to judge another app", BoundMessage(a.Id, 64))
	case a.SignOnMode != "OPENID_CONNECT":
		return fmt.Errorf("the app signs on with %s, not OIDC: point okta.app_id at the OIDC app W&B uses", BoundMessage(a.SignOnMode, 64))
	case a.Settings == nil || a.Settings.OauthClient == nil:
		return errors.New("Okta's answer has no OIDC client settings (settings.oauthClient)")
	}
	return nil
}

// explain turns an SDK error into one a person can act on.
func (r *OktaReader) explain(appID string, resp *okta.Response, err error) error {
	if r.oauth != nil {
		// A service app's failures are about tokens and scopes (okta_signin.go).
		return r.explainRead("reading Okta app "+appID, scopeApps, "applications", resp, err)
	}
	if e := featureOff("reading Okta app "+appID, "applications", r.org, err); e != nil {
		return e
	}
	status := 0
	if resp != nil && resp.Response != nil {
		status = resp.StatusCode
	}
	var rl *RateLimitedError
	var redirect *RedirectError
	switch {
	case errors.As(err, &redirect):
		return fmt.Errorf("reading Okta app %s: %w", appID, redirect)
	case status == http.StatusUnauthorized:
		return fmt.Errorf("reading Okta app %s: Okta rejected the API token (401): create a new token in %s (Security > API > Tokens) and update okta.api_token", appID, r.org)
	case status == http.StatusForbidden:
		return fmt.Errorf("reading Okta app %s: the API token may not read apps (403): the token's admin needs a role that can view applications", appID)
	case status == http.StatusNotFound:
		return fmt.Errorf("reading Okta app %s: no app %s in this org (404): check okta.app_id against %s", appID, appID, r.org)
	case status >= 500:
		return fmt.Errorf("reading Okta app %s: Okta answered %d after retries: %w", appID, status, err)
	case errors.As(err, &rl):
		return fmt.Errorf("reading Okta app %s: %w", appID, rl)
	case status != 0:
		return fmt.Errorf("reading Okta app %s: Okta answered %d: %w", appID, status, err)
	}
	return fmt.Errorf("reading Okta app %s: %w", appID, err)
}

func appFromSDK(a *okta.OpenIdConnectApplication) *checks.OktaApp {
	out := &checks.OktaApp{ID: a.Id, Label: a.Label, Status: a.Status, SignOnMode: a.SignOnMode}
	if c := a.Credentials; c != nil && c.OauthClient != nil {
		out.ClientID = c.OauthClient.ClientId
		out.TokenEndpointAuthMethod = c.OauthClient.TokenEndpointAuthMethod
		out.PKCERequired = c.OauthClient.PkceRequired != nil && *c.OauthClient.PkceRequired
	}
	if s := a.Settings; s != nil && s.OauthClient != nil {
		oc := s.OauthClient
		out.ApplicationType = oc.ApplicationType
		out.WildcardRedirect = oc.WildcardRedirect
		out.IssuerMode = oc.IssuerMode
		out.RedirectURIs = oc.RedirectUris
		out.PostLogoutRedirectURIs = oc.PostLogoutRedirectUris
		for _, g := range oc.GrantTypes {
			if g != nil {
				out.GrantTypes = append(out.GrantTypes, string(*g))
			}
		}
		for _, rt := range oc.ResponseTypes {
			if rt != nil {
				out.ResponseTypes = append(out.ResponseTypes, string(*rt))
			}
		}
	}
	return out
}
