package oktasim

import (
	"encoding/json"
	"net/http"
	"testing"
)

// The okta provider's configure fails on anything but a user from
// GET /api/v1/users/me (okta/config/config.go, VerifyCredentials); it
// answered 405 before.
func TestUsersMeIsTheTokensAdmin(t *testing.T) {
	s, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/v1/users/me", nil)
	req.Header.Set("Authorization", "SSWS "+s.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var u struct {
		ID      string            `json:"id"`
		Status  string            `json:"status"`
		Profile map[string]any    `json:"profile"`
		Links   map[string]any    `json:"_links"`
		Type    map[string]string `json:"type"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&u); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || u.ID != consoleAdmin.ID || u.Status != "ACTIVE" || u.Profile["login"] != consoleAdmin.AlternateID {
		t.Fatalf("GET /api/v1/users/me = %d %+v", resp.StatusCode, u)
	}
	resp2, err := http.Get(s.URL + "/.well-known/okta-organization")
	if err != nil {
		t.Fatal(err)
	}
	defer resp2.Body.Close()
	var org map[string]any
	if err := json.NewDecoder(resp2.Body).Decode(&org); err != nil || resp2.StatusCode != 200 || org["pipeline"] != "idx" {
		t.Fatalf("GET /.well-known/okta-organization without a token = %d %v %v", resp2.StatusCode, org, err)
	}
}
