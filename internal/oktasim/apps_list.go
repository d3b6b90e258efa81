package oktasim

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"sort"
	"strings"
)

var appFilterAttrs = map[string]func(*App) []string{
	"status": func(a *App) []string { return []string{a.Status} },
	"name":   func(a *App) []string { return []string{a.Name} },
}

// listApps serves GET /api/v1/apps: q matches the start of a name or label,
// filter takes status and name (spec: listApplications; the okta
// provider's data source sends filter=status eq "ACTIVE"&limit=1&q=label,
// recorded in TestAccDataSourceOktaAppOauth_read). Listed apps carry no
// client secret, as on GET.
func (s *Server) listApps(w http.ResponseWriter, r *http.Request) {
	match := func(*App) bool { return true }
	if f := r.URL.Query().Get("filter"); f != "" {
		m, err := parseFilterOf(f, appFilterAttrs)
		if err != nil {
			writeAPIError(w, err)
			return
		}
		match = m
	}
	q := strings.ToLower(r.URL.Query().Get("q"))
	s.mu.Lock()
	defer s.mu.Unlock()
	var apps []*App
	for _, a := range s.apps {
		named := strings.HasPrefix(strings.ToLower(a.Label), q) || strings.HasPrefix(strings.ToLower(a.Name), q)
		if named && match(a) {
			apps = append(apps, a)
		}
	}
	sort.Slice(apps, func(i, j int) bool { return apps[i].ID < apps[j].ID })
	items := make([]any, len(apps))
	for i, a := range apps {
		items[i] = rawJSON(s.appJSON(a, false))
	}
	s.writePage(w, r, items, func(i int) string { return apps[i].ID }, pageSize{200, 200})
}

// rawJSON is an answer already encoded.
type rawJSON []byte

func (r rawJSON) MarshalJSON() ([]byte, error) { return r, nil }

// listSecrets serves GET /api/v1/apps/{id}/credentials/secrets: the app's
// client secret as a secret object, as recorded (TestAccDataSourceOktaAppOauth_read:
// id, created, lastUpdated, status, client_secret, secret_hash and a
// deactivate link); none for an app without a secret.
func (s *Server) listSecrets(w http.ResponseWriter, appID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := found(w, s.apps, appID, "AppInstance")
	if !ok {
		return
	}
	out := []any{}
	if sec := a.Credentials.OAuthClient.ClientSecret; sec != "" {
		sum := sha256.Sum256([]byte(sec))
		id := "ocs" + a.ID[3:]
		out = append(out, map[string]any{
			"id": id, "created": a.Created.Format(oktaTime), "lastUpdated": a.LastUpdated.Format(oktaTime), "status": "ACTIVE",
			"client_secret": sec, "secret_hash": base64.RawURLEncoding.EncodeToString(sum[:16]),
			"_links": map[string]any{"deactivate": map[string]any{
				"href":  s.URL + "/api/v1/apps/" + a.ID + "/credentials/secrets/" + id + "/lifecycle/deactivate",
				"hints": map[string]any{"allow": []string{"POST"}},
			}},
		})
	}
	writeValue(w, http.StatusOK, out)
}
