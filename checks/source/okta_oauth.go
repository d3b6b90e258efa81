package source

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v3"
	"github.com/okta/okta-sdk-golang/v2/okta"
)

// OktaOAuth is an OAuth 2.0 service app that reads Okta with a private key
// (Okta's "OAuth 2.0 for Okta API", private_key_jwt), the set-up Okta
// recommends over SSWS API tokens for service integrations.
type OktaOAuth struct {
	ClientID string
	// PrivateKey is the PEM of the app's RSA key (PKCS#1 "RSA PRIVATE KEY"
	// or PKCS#8 "PRIVATE KEY", the form the Okta admin console generates).
	// It only ever signs client assertions.
	PrivateKey string
	// KeyID is the kid of the public key registered with the app; needed
	// when the app has several keys.
	KeyID  string
	Scopes []string
}

// String keeps the key out of every fmt verb but %#v.
func (o OktaOAuth) String() string {
	return fmt.Sprintf("{ClientID:%s PrivateKey:[redacted] KeyID:%s Scopes:%v}", o.ClientID, o.KeyID, o.Scopes)
}

// GoString keeps the key out of %#v.
func (o OktaOAuth) GoString() string { return o.String() }

// ParsePrivateKey reads an RSA private key from PEM, PKCS#1 or PKCS#8. Its
// errors never quote the key.
func ParsePrivateKey(pemText string) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(strings.ReplaceAll(pemText, `\n`, "\n")))
	if block == nil {
		return nil, errors.New("not a PEM private key (-----BEGIN PRIVATE KEY----- ...)")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("the RSA PRIVATE KEY block does not parse as PKCS#1")
		}
		return k, nil
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("the PRIVATE KEY block does not parse as PKCS#8")
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("a %T key: Okta service apps sign client assertions with RS256, so use an RSA key", k)
		}
		return rk, nil
	}
	return nil, fmt.Errorf("a PEM block of type %q: use an RSA private key (PRIVATE KEY or RSA PRIVATE KEY)", block.Type)
}

// authSetters picks the SDK's authorization mode. Both are set explicitly
// so a stray OKTA_CLIENT_* environment or ~/.okta/okta.yaml cannot switch
// the mode. For OAuth, httpClient gains the token cache (tokenCache).
func authSetters(opts OktaOptions, httpClient *http.Client) ([]okta.ConfigSetter, error) {
	if opts.OAuth == nil {
		return []okta.ConfigSetter{okta.WithToken(opts.Token), okta.WithAuthorizationMode("SSWS")}, nil
	}
	o := opts.OAuth
	setters := []okta.ConfigSetter{
		okta.WithAuthorizationMode("PrivateKey"), okta.WithClientId(o.ClientID), okta.WithScopes(o.Scopes),
		okta.WithToken(""),
	}
	// The SDK's own signer accepts PKCS#1 only; the admin console hands
	// out PKCS#8. Our signer takes both, with the kid in the header as the
	// SDK's CreateKeySigner puts it (okta/requestExecutor.go).
	key, err := ParsePrivateKey(o.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("reading the private key of service app %s: %w", o.ClientID, err)
	}
	var so *jose.SignerOptions
	if o.KeyID != "" {
		so = (&jose.SignerOptions{}).WithHeader("kid", o.KeyID)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, so)
	if err != nil {
		return nil, fmt.Errorf("signing with the key of service app %s: %w", o.ClientID, err)
	}
	setters = append(setters, okta.WithPrivateKeySigner(signer))
	httpClient.Transport = &tokenCache{next: httpClient.Transport, clientID: o.ClientID, now: time.Now}
	return setters, nil
}

// tokenCache stands between the SDK and Okta's /oauth2/v1/token. The SDK
// (v2.20.0 okta/requestExecutor.go PrivateKeyAuth.Authorize) caches a token
// for expires_in-2 seconds but has no lock, so concurrent reads each fetch
// a token, and it refreshes only at the last moment. This layer fetches
// one token at a time, shares it, and hands the SDK a lifetime that ends
// refreshBefore ahead of Okta's, so a new token is fetched while the old
// one is still good. It also turns Okta's refusal into an actionable error.
type tokenCache struct {
	next     http.RoundTripper
	clientID string
	now      func() time.Time

	mu      sync.Mutex
	body    map[string]any
	life    time.Duration // the token's whole lifetime
	expires time.Time
}

// tokenRequestTimeout bounds a token request: the SDK sends it without a
// context (okta/requestExecutor.go getAccessTokenForPrivateKey).
const tokenRequestTimeout = 30 * time.Second

// sdkTokenLease is the longest the SDK keeps a token before asking this
// cache again (which answers from memory), so a token Okta stopped taking
// (a scope granted since, a revoked app) is replaced within a minute
// rather than at its expiry.
var sdkTokenLease = time.Minute

func (c *tokenCache) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodPost || !strings.HasSuffix(req.URL.Path, "/oauth2/v1/token") {
		resp, err := c.next.RoundTrip(req)
		if err == nil && refusedToken(resp) {
			c.forget(strings.TrimPrefix(req.Header.Get("Authorization"), "Bearer "))
		}
		return resp, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if resp := c.cached(req); resp != nil {
		return resp, nil
	}
	ctx, cancel := context.WithTimeout(req.Context(), tokenRequestTimeout)
	defer cancel()
	resp, err := c.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("requesting an Okta access token for service app %s: %w", c.clientID, err)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("reading Okta's access token answer: %w", err)
	}
	var body map[string]any
	_ = json.Unmarshal(data, &body)
	if resp.StatusCode != http.StatusOK {
		return nil, c.refusal(resp.StatusCode, body)
	}
	ttl, _ := body["expires_in"].(float64)
	c.life = time.Duration(ttl) * time.Second
	c.body, c.expires = body, c.now().Add(c.life)
	if r := c.cached(req); r != nil {
		return r, nil
	}
	// A token too short-lived to cache is handed over once, as is.
	resp.Body = io.NopCloser(bytes.NewReader(data))
	return resp, nil
}

// refusedToken reports an answer that refuses the access token itself: 401,
// or 403 insufficient_scope (a scope may have been granted since it was
// issued; tokens keep the scopes they were issued with).
func refusedToken(resp *http.Response) bool {
	return resp.StatusCode == http.StatusUnauthorized ||
		resp.StatusCode == http.StatusForbidden && strings.Contains(resp.Header.Get("WWW-Authenticate"), "insufficient_scope")
}

// forget drops the shared token if it is the one refused.
func (c *tokenCache) forget(token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.body != nil && c.body["access_token"] == token {
		c.body = nil
	}
}

// cached answers from the shared token while it has more than
// refreshBefore (plus the SDK's 2-second trim, plus one to stay clear of
// go-cache's 0 = default expiry) to live.
func (c *tokenCache) cached(req *http.Request) *http.Response {
	if c.body == nil {
		return nil
	}
	secs := int((min(c.expires.Sub(c.now())-refreshBefore(c.life), sdkTokenLease)) / time.Second)
	if secs < 3 {
		return nil
	}
	body := make(map[string]any, len(c.body))
	for k, v := range c.body {
		body[k] = v
	}
	body["expires_in"] = secs
	data, _ := json.Marshal(body)
	return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewReader(data)),
		ContentLength: int64(len(data)), Request: req}
}

// refreshBefore is how long before Okta's expiry a token is replaced: a
// quarter of its life, at most five minutes (Okta's tokens live an hour).
func refreshBefore(life time.Duration) time.Duration {
	return min(life/4, 5*time.Minute)
}

// TokenError is Okta refusing the service app an access token.
type TokenError struct {
	ClientID    string
	Status      int
	Code        string
	Description string
}

func (e *TokenError) Error() string {
	what := fmt.Sprintf("Okta refused service app %s an access token (%d %s: %s)", e.ClientID, e.Status, e.Code, e.Description)
	switch {
	case e.Code == "invalid_scope":
		return what + ": grant the app every scope in okta.oauth.scopes (Applications > the app > Okta API Scopes > Grant)"
	case strings.Contains(e.Description, "client_id"):
		return what + ": check okta.oauth.client_id and that the service app is ACTIVE (Applications > Applications)"
	case strings.Contains(e.Description, "kid"):
		return what + ": set okta.oauth.key_id to the kid of the public key registered with the app (Applications > the app > General > Public Keys)"
	case e.Code == "invalid_client":
		return what + ": okta.oauth.private_key must be the private half of a public key registered with the app (Applications > the app > General > Public Keys)"
	}
	return what
}

func (c *tokenCache) refusal(status int, body map[string]any) error {
	code, _ := body["error"].(string)
	desc, _ := body["error_description"].(string)
	if code == "" {
		code, _ = body["errorCode"].(string)
		desc, _ = body["errorSummary"].(string)
	}
	return &TokenError{ClientID: c.clientID, Status: status, Code: code, Description: desc}
}
