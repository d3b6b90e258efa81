package source

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/fakeclock"
	"github.com/driftd/driftd/internal/oktasim"
)

var (
	keyOnce  sync.Once
	testKeys [2]*rsa.PrivateKey
)

func rsaKeys(t *testing.T) [2]*rsa.PrivateKey {
	t.Helper()
	keyOnce.Do(func() {
		for i := range testKeys {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			testKeys[i] = k
		}
	})
	return testKeys
}

// pkcs8PEM is the form the Okta admin console generates.
func pkcs8PEM(t *testing.T, k *rsa.PrivateKey) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

var allScopes = []string{"okta.apps.read", "okta.groups.read", "okta.trustedOrigins.read", "okta.authorizationServers.read", "okta.logs.read"}

// oauthReader is the reader as a service app whose key is keys[0] (kid key1).
func oauthReader(t *testing.T, sim *oktasim.Server, clientID string, key *rsa.PrivateKey, kid string) *OktaReader {
	t.Helper()
	r, err := NewOktaReader(context.Background(), OktaOptions{OrgURL: sim.URL, Retry: testPolicy,
		OAuth: &OktaOAuth{ClientID: clientID, PrivateKey: pkcs8PEM(t, key), KeyID: kid, Scopes: allScopes}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSignInReadsThroughTheSDK(t *testing.T) {
	sim, r := startSim(t)
	ctx := context.Background()
	g, err := sim.AddGroup("wandb-users", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sim.AddGroup("Wandb-Users-Old", ""); err != nil {
		t.Fatal(err)
	}
	if err := sim.AssignGroup("0oa1", g.ID, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := sim.AddTrustedOrigin("W&B", "https://wandb.acme.com", "CORS", "REDIRECT"); err != nil {
		t.Fatal(err)
	}
	sim.AddAuthorizationServer("aus1")

	t.Run("the app's group assignments are listed", func(t *testing.T) {
		got, err := r.AppGroups(ctx, "0oa1")
		if err != nil || len(got) != 1 || got[0].ID != g.ID {
			t.Fatalf("got %+v, %v", got, err)
		}
		// Listed with expand=group, each assignment embeds its group.
		if got[0].Name != "wandb-users" {
			t.Errorf("the assigned group's name is %q, want wandb-users from _embedded.group", got[0].Name)
		}
	})
	t.Run("a group name resolves to its id and an id to itself", func(t *testing.T) {
		for _, in := range []string{"wandb-users", g.ID} {
			id, err := r.ResolveGroup(ctx, in)
			if err != nil || id != g.ID {
				t.Errorf("%s: got %q, %v", in, id, err)
			}
		}
	})
	t.Run("an unknown group name is a resolution error naming the org", func(t *testing.T) {
		_, err := r.ResolveGroup(ctx, "nobody")
		var re *GroupResolutionError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), sim.URL) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("trusted origins carry their scopes", func(t *testing.T) {
		got, err := r.TrustedOrigins(ctx)
		if err != nil || len(got.Origins) != 1 || !slices.Equal(got.Origins[0].Scopes, []string{"CORS", "REDIRECT"}) || got.Origins[0].Status != "ACTIVE" {
			t.Fatalf("got %+v, %v", got, err)
		}
	})
	t.Run("an authorization server comes with its policies and rules", func(t *testing.T) {
		as, err := r.AuthServer(ctx, "aus1")
		if err != nil || as.Status != "ACTIVE" || len(as.Policies) != 1 || len(as.Policies[0].Rules) != 1 {
			t.Fatalf("got %+v, %v", as, err)
		}
		p := as.Policies[0]
		if !slices.Equal(p.Clients, []string{"ALL_CLIENTS"}) || !p.Rules[0].Grants("implicit") {
			t.Errorf("policy %+v", p)
		}
	})
	t.Run("a user count of one page is enough to know somebody is assigned", func(t *testing.T) {
		if err := sim.AssignUser("0oa1", "00u1", "ann@acme.com"); err != nil {
			t.Fatal(err)
		}
		if n, err := r.AppUserCount(ctx, "0oa1"); err != nil || n != 1 {
			t.Errorf("got %d, %v", n, err)
		}
	})
}

func TestSignInReadsAsAServiceApp(t *testing.T) {
	ks := rsaKeys(t)
	sim, _ := startSim(t)
	ctx := context.Background()
	svc, err := sim.AddServiceApp("driftd", &ks[0].PublicKey, "key1", "okta.apps.read", "okta.groups.read", "okta.authorizationServers.read")
	if err != nil {
		t.Fatal(err)
	}
	r := oauthReader(t, sim, svc.ID, ks[0], "key1")
	t.Run("granted scopes read, with one token for concurrent reads", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Add(1)
			go func() { defer wg.Done(); _, err := r.App(ctx, "0oa1"); errs <- err }()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n := sim.Count("/oauth2/v1/token"); n != 1 {
			t.Errorf("%d token requests, want 1", n)
		}
	})
	t.Run("a scope the app was not granted is an error naming it", func(t *testing.T) {
		_, err := r.TrustedOrigins(ctx)
		if err == nil || !strings.Contains(err.Error(), "the service app lacks okta.trustedOrigins.read") {
			t.Fatalf("got %v", err)
		}
	})
	cases := []struct {
		name, kid, want string
		key             *rsa.PrivateKey
		deactivate      bool
	}{
		{name: "a key the app does not know is an error saying which key to use", key: ks[1], kid: "key1", want: "private half of a public key registered"},
		{name: "a kid the app does not know is an error naming key_id", key: ks[0], kid: "other", want: "okta.oauth.key_id"},
		{name: "a deactivated service app is an error saying to activate it", key: ks[0], kid: "key1", deactivate: true, want: "is ACTIVE"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.deactivate {
				if err := sim.AdminEdit(svc.ID, func(a *oktasim.App) { a.Status = "INACTIVE" }); err != nil {
					t.Fatal(err)
				}
				defer sim.AdminEdit(svc.ID, func(a *oktasim.App) { a.Status = "ACTIVE" })
			}
			bad := oauthReader(t, sim, svc.ID, c.key, c.kid)
			_, err := bad.AppGroups(ctx, "0oa1")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
			if s := err.Error(); strings.Contains(s, "BEGIN") || strings.Contains(s, "client_assertion=") || strings.Contains(s, "eyJ") {
				t.Errorf("error shows a credential: %s", s)
			}
		})
	}
}

func TestSignInReadFailuresAreErrorsThatSayWhatToDo(t *testing.T) {
	cases := []struct {
		name   string
		status int
		want   string
	}{
		{name: "a 403 for the API token asks for an admin role", status: http.StatusForbidden, want: "role that can view trusted origins"},
		{name: "a 401 asks for a new token", status: http.StatusUnauthorized, want: "Security > API > Tokens"},
		{name: "a 429 after retries is a rate-limit error", status: http.StatusTooManyRequests, want: "rate limited"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sim, r := startSim(t)
			sim.SetOutage(oktasim.Fault{Kind: oktasim.FaultStatus, Status: c.status, ResetIn: 10 * time.Second})
			_, err := r.TrustedOrigins(context.Background())
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
		})
	}
}

func TestParsePrivateKeyNeverQuotesTheKey(t *testing.T) {
	k := rsaKeys(t)[0]
	good := pkcs8PEM(t, k)
	for name, in := range map[string]string{
		"garbage":             "not a key at all",
		"a truncated key":     good[:200] + "\n-----END PRIVATE KEY-----\n",
		"a certificate block": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
	} {
		t.Run(name+" is refused without echoing it", func(t *testing.T) {
			_, err := ParsePrivateKey(in)
			if err == nil || strings.Contains(err.Error(), "MII") || strings.Contains(err.Error(), in) {
				t.Errorf("got %v", err)
			}
		})
	}
	t.Run("PKCS#1 and PKCS#8 both parse", func(t *testing.T) {
		pk1 := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
		for _, in := range []string{good, pk1} {
			if got, err := ParsePrivateKey(in); err != nil || !got.Equal(k) {
				t.Errorf("got %v", err)
			}
		}
	})
}

// TestServiceAppTokenIsRefreshedBeforeItExpires runs the token cache and
// the simulator on one fake clock. Each moment reads through a fresh SDK
// client (whose own go-cache runs on the wall clock, so it must not decide
// when the cache is asked) over the one cache under test: an 8-second
// token is handed out while at least a quarter of its life (2 s) plus the
// SDK's 2-second trim and a margin of 1 s are left, and is replaced at
// Okta once less is left, before its expiry.
func TestServiceAppTokenIsRefreshedBeforeItExpires(t *testing.T) {
	ks := rsaKeys(t)
	sim, err := oktasim.Start(oktasim.Options{TokenTTL: 8 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	clock := fakeclock.New(time.Now())
	sim.SetClock(clock.Now)
	sim.PutApp(oktasim.NewWandbApp("0oa1", "0oa1client", "https://wandb.acme.com", true))
	svc, err := sim.AddServiceApp("driftd", &ks[0].PublicKey, "key1", allScopes...)
	if err != nil {
		t.Fatal(err)
	}
	cache := &tokenCache{next: http.DefaultTransport, clientID: svc.ID, now: clock.Now}
	start := clock.Now()
	for _, step := range []struct {
		at     time.Duration
		tokens int
	}{
		{0, 1},                       // the first token, good until 8 s
		{2500 * time.Millisecond, 1}, // 5.5 s left: handed out
		{3500 * time.Millisecond, 2}, // 4.5 s left: replaced, before its expiry
		{6400 * time.Millisecond, 2}, // the second has 5.1 s left
		{7 * time.Second, 3},         // 4.5 s left: replaced
		{8500 * time.Millisecond, 3}, // the first has expired; the third serves
	} {
		clock.Set(start.Add(step.at))
		r, err := NewOktaReader(context.Background(), OktaOptions{OrgURL: sim.URL, Retry: testPolicy, Transport: cache,
			OAuth: &OktaOAuth{ClientID: svc.ID, PrivateKey: pkcs8PEM(t, ks[0]), KeyID: "key1", Scopes: allScopes}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.App(context.Background(), "0oa1"); err != nil {
			t.Fatalf("at %s: %v", step.at, err)
		}
		if n := sim.Count("/oauth2/v1/token"); n != step.tokens {
			t.Fatalf("%d token requests at %s, want %d", n, step.at, step.tokens)
		}
	}
}

func TestEachSignInReadNamesTheScopeItLacks(t *testing.T) {
	ks := rsaKeys(t)
	sim, _ := startSim(t)
	sim.AddAuthorizationServer("aus1")
	ctx := context.Background()
	reads := map[string]func(r *OktaReader) error{
		"okta.apps.read":                 func(r *OktaReader) error { _, err := r.AppGroups(ctx, "0oa1"); return err },
		"okta.groups.read":               func(r *OktaReader) error { _, err := r.ResolveGroup(ctx, "wandb-users"); return err },
		"okta.trustedOrigins.read":       func(r *OktaReader) error { _, err := r.TrustedOrigins(ctx); return err },
		"okta.authorizationServers.read": func(r *OktaReader) error { _, err := r.AuthServer(ctx, "aus1"); return err },
	}
	for scope, read := range reads {
		t.Run("without "+scope+" the read is an error naming it", func(t *testing.T) {
			var granted []string
			for _, s := range allScopes {
				if s != scope {
					granted = append(granted, s)
				}
			}
			svc, err := sim.AddServiceApp("driftd-"+scope, &ks[0].PublicKey, "key1", granted...)
			if err != nil {
				t.Fatal(err)
			}
			err = read(oauthReader(t, sim, svc.ID, ks[0], "key1"))
			if err == nil || !strings.Contains(err.Error(), "the service app lacks "+scope+" (403)") {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func TestServiceAppSettingsNeverPrintTheKey(t *testing.T) {
	k := pkcs8PEM(t, rsaKeys(t)[0])
	o := OktaOAuth{ClientID: "0oasvc", PrivateKey: k}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		t.Run(verb+" redacts the key", func(t *testing.T) {
			for _, v := range []any{o, &o, OktaOptions{OAuth: &o}} {
				if s := fmt.Sprintf(verb, v); strings.Contains(s, "MII") || strings.Contains(s, "BEGIN") {
					t.Errorf("%s", s)
				}
			}
		})
	}
	t.Run("a key that does not parse fails the reader's construction without quoting it", func(t *testing.T) {
		bad := OktaOptions{OrgURL: "http://127.0.0.1:1", OAuth: &OktaOAuth{ClientID: "0oasvc", PrivateKey: k[:120] + "\n-----END PRIVATE KEY-----\n", Scopes: allScopes}}
		_, err := NewOktaReader(context.Background(), bad)
		if err == nil || strings.Contains(err.Error(), "MII") || !strings.Contains(err.Error(), "0oasvc") {
			t.Errorf("got %v", err)
		}
	})
}

func TestAGrantedScopeTakesEffectWithoutWaitingForTheTokenToExpire(t *testing.T) {
	// The SDK is leased the token for 3s (it keeps 1s of it), so the test
	// does not wait the production minute.
	lease := sdkTokenLease
	sdkTokenLease = 3 * time.Second
	t.Cleanup(func() { sdkTokenLease = lease })
	ks := rsaKeys(t)
	sim, _ := startSim(t)
	svc, err := sim.AddServiceApp("driftd", &ks[0].PublicKey, "key1", "okta.apps.read")
	if err != nil {
		t.Fatal(err)
	}
	r := oauthReader(t, sim, svc.ID, ks[0], "key1")
	ctx := context.Background()
	if _, err := r.TrustedOrigins(ctx); err == nil || !strings.Contains(err.Error(), "lacks okta.trustedOrigins.read") {
		t.Fatalf("before the grant: %v", err)
	}
	if err := sim.SetServiceAppScopes(svc.ID, allScopes...); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	if _, err := r.TrustedOrigins(ctx); err != nil {
		t.Fatalf("after the grant: %v", err)
	}
	if n := sim.Count("/oauth2/v1/token"); n != 2 {
		t.Errorf("%d token requests, want 2: the refused token is replaced once", n)
	}
}
