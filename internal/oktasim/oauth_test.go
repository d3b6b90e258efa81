package oktasim_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/oktasim"
	"github.com/okta/okta-sdk-golang/v2/okta"
)

var (
	keyOnce sync.Once
	keys    [2]*rsa.PrivateKey
)

// testKeys are two RSA keys made once for the package's tests.
func testKeys(t *testing.T) [2]*rsa.PrivateKey {
	t.Helper()
	keyOnce.Do(func() {
		for i := range keys {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			keys[i] = k
		}
	})
	return keys
}

func pemOf(k *rsa.PrivateKey) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
}

// oauthClient is the real SDK in private-key mode for a service app.
func oauthClient(t *testing.T, sim *oktasim.Server, clientID string, key *rsa.PrivateKey, scopes ...string) *okta.Client {
	t.Helper()
	_, c, err := okta.NewClient(context.Background(), okta.WithOrgUrl(sim.URL), okta.WithAuthorizationMode("PrivateKey"),
		okta.WithClientId(clientID), okta.WithPrivateKey(pemOf(key)), okta.WithPrivateKeyId("key1"), okta.WithScopes(scopes),
		okta.WithTestingDisableHttpsCheck(true), okta.WithCache(false), okta.WithRequestTimeout(10), okta.WithRateLimitMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestServiceAppAuthThroughTheSDK(t *testing.T) {
	ks := testKeys(t)
	sim := startSim(t, oktasim.Options{TokenTTL: 3 * time.Second})
	appID := wandbApp(t, sim)
	svc, err := sim.AddServiceApp("driftd", &ks[0].PublicKey, "key1", "okta.apps.read", "okta.groups.read")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c := oauthClient(t, sim, svc.ID, ks[0], "okta.apps.read", "okta.trustedOrigins.read")

	t.Run("a granted scope reads the app with a bearer token", func(t *testing.T) {
		if _, _, err := c.Application.GetApplication(ctx, appID, okta.NewOpenIdConnectApplication(), nil); err != nil {
			t.Fatal(err)
		}
		if n := sim.Count("/oauth2/v1/token"); n != 1 {
			t.Errorf("%d token requests, want 1", n)
		}
	})
	t.Run("a scope requested but not granted is refused with insufficient_scope", func(t *testing.T) {
		_, resp, err := c.TrustedOrigin.ListOrigins(ctx, nil)
		if err == nil || resp.StatusCode != http.StatusForbidden || !strings.Contains(err.Error(), "The access token provided does not contain the required scopes.") {
			t.Fatalf("%v", err)
		}
		if h := resp.Header.Get("WWW-Authenticate"); !strings.Contains(h, `scope="okta.trustedOrigins.read"`) || !strings.Contains(h, `error="insufficient_scope"`) {
			t.Errorf("WWW-Authenticate: %s", h)
		}
	})
	t.Run("a granted scope the token was not asked for is refused too", func(t *testing.T) {
		if _, resp, err := c.Group.ListGroups(ctx, nil); err == nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("%v", err)
		}
	})
	t.Run("the SDK fetches a new token once the old one expires", func(t *testing.T) {
		time.Sleep(1200 * time.Millisecond) // the SDK keeps a token expires_in-2 = 1s
		if _, _, err := c.Application.GetApplication(ctx, appID, okta.NewOpenIdConnectApplication(), nil); err != nil {
			t.Fatal(err)
		}
		if n := sim.Count("/oauth2/v1/token"); n < 2 {
			t.Errorf("%d token requests after expiry, want a new one", n)
		}
	})
	t.Run("a key the app does not hold is refused", func(t *testing.T) {
		bad := oauthClient(t, sim, svc.ID, ks[1], "okta.apps.read")
		_, _, err := bad.Application.GetApplication(ctx, appID, okta.NewOpenIdConnectApplication(), nil)
		if err == nil || !strings.Contains(err.Error(), "The client_assertion signature is invalid.") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("a deactivated service app gets no token", func(t *testing.T) {
		if err := sim.AdminEdit(svc.ID, func(a *oktasim.App) { a.Status = "INACTIVE" }); err != nil {
			t.Fatal(err)
		}
		fresh := oauthClient(t, sim, svc.ID, ks[0], "okta.apps.read")
		_, _, err := fresh.Application.GetApplication(ctx, appID, okta.NewOpenIdConnectApplication(), nil)
		if err == nil || !strings.Contains(err.Error(), "Invalid value for the `client_id` parameter") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("the SSWS token still works", func(t *testing.T) {
		if _, _, err := sswsClient(t, sim).Group.ListGroups(ctx, nil); err != nil {
			t.Fatal(err)
		}
	})
}

// assertion signs a client_assertion with key, claims laid over valid ones.
func assertion(t *testing.T, key *rsa.PrivateKey, kid string, claims map[string]any) string {
	t.Helper()
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	head := map[string]string{"alg": "RS256"}
	if kid != "" {
		head["kid"] = kid
	}
	signed := enc(head) + "." + enc(claims)
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func TestTheTokenEndpointRefusesLikeOkta(t *testing.T) {
	ks := testKeys(t)
	sim := startSim(t, oktasim.Options{})
	svc, err := sim.AddServiceApp("driftd", &ks[0].PublicKey, "key1", "okta.apps.read")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	valid := func() map[string]any {
		return map[string]any{"iss": svc.ID, "sub": svc.ID, "aud": sim.URL + "/oauth2/v1/token", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	}
	with := func(k string, v any) map[string]any { c := valid(); c[k] = v; return c }
	jwtType := "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	cases := []struct {
		name, grant, assertionType, assertion, scope string
		status                                       int
		code, desc                                   string
	}{
		{"a valid assertion gets a token", "client_credentials", jwtType, assertion(t, ks[0], "key1", valid()), "okta.apps.read", 200, "", ""},
		{"another grant type is unsupported", "password", jwtType, assertion(t, ks[0], "key1", valid()), "okta.apps.read", 400, "unsupported_grant_type", "The grant type in the request isn't supported."},
		{"no assertion means no client credentials", "client_credentials", "", "", "okta.apps.read", 401, "invalid_client", "No client credentials found"},
		{"a wrong assertion type is refused", "client_credentials", "jwt", assertion(t, ks[0], "key1", valid()), "okta.apps.read", 400, "invalid_request", "The `client_assertion_type` is invalid."},
		{"an unknown kid is refused", "client_credentials", jwtType, assertion(t, ks[0], "key9", valid()), "okta.apps.read", 401, "invalid_client", "The client_assertion JWT kid is invalid."},
		{"an unknown client is refused", "client_credentials", jwtType, assertion(t, ks[0], "key1", with("sub", "0oanope")), "okta.apps.read", 401, "invalid_client", "Invalid value for the `client_id` parameter"},
		{"iss other than the client is refused", "client_credentials", jwtType, assertion(t, ks[0], "key1", with("iss", "someone")), "okta.apps.read", 401, "invalid_client", "Invalid value for the `client_id` parameter"},
		{"another audience is refused", "client_credentials", jwtType, assertion(t, ks[0], "key1", with("aud", "https://elsewhere/oauth2/v1/token")), "okta.apps.read", 401, "invalid_client", "The audience claim for client_assertion must be the endpoint invoked for the request."},
		{"an expired assertion is refused", "client_credentials", jwtType, assertion(t, ks[0], "key1", with("exp", now.Add(-time.Minute).Unix())), "okta.apps.read", 401, "invalid_client", "The client_assertion token is expired."},
		{"no scope is refused", "client_credentials", jwtType, assertion(t, ks[0], "key1", valid()), "", 400, "invalid_scope", "No scopes were requested."},
		{"only scopes never granted are refused", "client_credentials", jwtType, assertion(t, ks[0], "key1", valid()), "okta.logs.read", 400, "invalid_scope", "okta.logs.read"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := url.Values{"grant_type": {tc.grant}, "client_assertion_type": {tc.assertionType}, "client_assertion": {tc.assertion}, "scope": {tc.scope}}
			resp, err := http.Post(sim.URL+"/oauth2/v1/token?"+q.Encode(), "application/x-www-form-urlencoded", nil)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body map[string]any
			_ = json.NewDecoder(resp.Body).Decode(&body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %v", resp.StatusCode, tc.status, body)
			}
			if tc.code == "" {
				if body["token_type"] != "Bearer" || body["scope"] != "okta.apps.read" || body["access_token"] == "" {
					t.Errorf("token answer: %v", body)
				}
				return
			}
			if body["error"] != tc.code || !strings.Contains(body["error_description"].(string), tc.desc) {
				t.Errorf("got %v, want %s: %s", body, tc.code, tc.desc)
			}
		})
	}
}

func TestAnExpiredAccessTokenIsRefused(t *testing.T) {
	ks := testKeys(t)
	sim := startSim(t, oktasim.Options{TokenTTL: time.Minute})
	svc, err := sim.AddServiceApp("driftd", &ks[0].PublicKey, "", "okta.groups.read")
	if err != nil {
		t.Fatal(err)
	}
	a := assertion(t, ks[0], "", map[string]any{"iss": svc.ID, "sub": svc.ID, "aud": sim.URL + "/oauth2/v1/token", "exp": time.Now().Add(time.Hour).Unix()})
	q := url.Values{"grant_type": {"client_credentials"}, "client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, "client_assertion": {a}, "scope": {"okta.groups.read"}}
	resp, err := http.PostForm(sim.URL+"/oauth2/v1/token", q)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	call := func() int {
		req, _ := http.NewRequest(http.MethodGet, sim.URL+"/api/v1/groups", nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r.StatusCode
	}
	if got := call(); got != 200 {
		t.Fatalf("a fresh token got %d", got)
	}
	sim.SetClock(func() time.Time { return time.Now().Add(2 * time.Minute) })
	if got := call(); got != 401 {
		t.Fatalf("an expired token got %d, want 401", got)
	}
}
