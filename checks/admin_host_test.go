package checks

import "testing"

func TestOnlyOktasOwnDomainsHaveAnAdminHost(t *testing.T) {
	tests := []struct {
		name, url string
		admin     bool
	}{
		{"an okta.com admin host is the admin console", "https://dev-1-admin.okta.com", true},
		{"an oktapreview.com admin host is the admin console", "https://acme-admin.oktapreview.com/oauth2/default", true},
		{"an okta-emea.com admin host is the admin console", "https://acme-admin.okta-emea.com", true},
		{"an org host is not the admin console", "https://dev-1.okta.com", false},
		{"a custom domain ending in -admin may be the issuer", "https://sso-admin.acme.com/oauth2/default", false},
		{"a look-alike domain is not Okta's", "https://acme-admin.notokta.com", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsOktaAdminHost(tc.url); got != tc.admin {
				t.Errorf("IsOktaAdminHost(%q) = %v, want %v", tc.url, got, tc.admin)
			}
		})
	}
}

func TestCORSOriginsAreReadWithOrWithoutSpaces(t *testing.T) {
	for _, raw := range []string{"https://w.acme.com,null", "https://w.acme.com, null", " https://w.acme.com ,null ,"} {
		t.Run("the list "+raw+" holds the origin and null", func(t *testing.T) {
			got := ParseOriginList(raw)
			if len(got) != 2 || got[0] != "https://w.acme.com" || got[1] != "null" {
				t.Errorf("ParseOriginList(%q) = %q", raw, got)
			}
		})
	}
}

func TestOnlyLoopbackHostsAreLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST": true, "127.0.0.1": true, "127.0.0.53": true, "::1": true,
		"wandb.acme.com": false, "10.0.0.1": false, "localhost.acme.com": false, "0.0.0.0": false, "": false,
	} {
		if got := IsLoopbackHost(host); got != want {
			t.Errorf("IsLoopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}
