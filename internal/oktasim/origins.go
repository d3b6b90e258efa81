package oktasim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
)

// TrustedOrigin is an Okta trusted origin (okta/okta-sdk-golang v2.20.0
// okta/trustedOrigin.go; spec TrustedOrigin).
type TrustedOrigin struct {
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	Origin        string         `json:"origin"`
	Scopes        []OriginScope  `json:"scopes"`
	Status        string         `json:"status"`
	Created       time.Time      `json:"created"`
	CreatedBy     string         `json:"createdBy"`
	LastUpdated   time.Time      `json:"lastUpdated"`
	LastUpdatedBy string         `json:"lastUpdatedBy"`
	Links         map[string]any `json:"_links,omitempty"`
}

// OriginScope is one scope of a trusted origin: CORS, REDIRECT or IFRAME_EMBED.
type OriginScope struct {
	Type string `json:"type"`
}

type originStore struct {
	byID map[string]*TrustedOrigin
}

// originTarget carries the origin's URL, status and scopes in its details
// (the catalog's TrustedOriginResourceDetails), not in alternateId.
func originTarget(o *TrustedOrigin) LogTarget {
	scopes, _ := json.Marshal(o.Scopes)
	return LogTarget{ID: o.ID, Type: "TrustedOrigin", AlternateID: o.Name, DisplayName: o.Name,
		DetailEntry: map[string]any{"trusted_origin_url": o.Origin, "trusted_origin_status": o.Status, "trusted_origin_scopes": string(scopes)}}
}

// validateOrigin applies spec TrustedOrigin: name and origin are unique
// ("Unique name", "Unique origin URL"), at most 255 long; the origin's
// scheme is one of HTTP, HTTPS, FTP, Ionic 2 (ionic) and Capacitor
// (capacitor); scopes are at most 3 of CORS, IFRAME_EMBED, REDIRECT.
// The cause texts are the simulator's; the spec gives no messages.
func (s *Server) validateOrigin(o *TrustedOrigin) *APIError {
	if o.Name == "" || len(o.Name) > 255 {
		return validationError("name", "name: The field cannot be left blank or longer than 255 characters.")
	}
	u, err := url.Parse(o.Origin)
	if err != nil || u.Host == "" || len(o.Origin) > 255 ||
		!slices.Contains([]string{"http", "https", "ftp", "ionic", "capacitor"}, strings.ToLower(u.Scheme)) {
		return validationError("origin", fmt.Sprintf("origin: '%s' is not a valid origin URL.", o.Origin))
	}
	if len(o.Scopes) == 0 || len(o.Scopes) > 3 {
		return validationError("scopes", "scopes: between 1 and 3 scopes are required.")
	}
	for _, sc := range o.Scopes {
		if !slices.Contains([]string{"CORS", "IFRAME_EMBED", "REDIRECT"}, sc.Type) {
			return validationError("scopes", fmt.Sprintf("scopes: '%s' is invalid. Valid values: [CORS, IFRAME_EMBED, REDIRECT]", sc.Type))
		}
	}
	if o.Status != "ACTIVE" && o.Status != "INACTIVE" {
		return validationError("status", fmt.Sprintf("status: '%s' is invalid. Valid values: [ACTIVE, INACTIVE]", o.Status))
	}
	for _, other := range s.orgs.byID {
		if other.ID == o.ID {
			continue
		}
		if strings.EqualFold(other.Origin, o.Origin) {
			return validationError("origin", "origin: An object with this field already exists in the current organization")
		}
		if other.Name == o.Name {
			return validationError("name", "name: An object with this field already exists in the current organization")
		}
	}
	return nil
}

// AddTrustedOrigin creates a trusted origin as an admin would (Security >
// API > Trusted Origins); status defaults to ACTIVE.
func (s *Server) AddTrustedOrigin(name, origin string, scopes ...string) (TrustedOrigin, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := TrustedOrigin{Name: name, Origin: origin, Status: "ACTIVE"}
	for _, sc := range scopes {
		o.Scopes = append(o.Scopes, OriginScope{Type: sc})
	}
	out, err := s.createOriginLocked(o, consoleAdmin)
	if err != nil {
		return TrustedOrigin{}, fmt.Errorf("adding trusted origin %s: %w", origin, err)
	}
	return out, nil
}

// AdminEditTrustedOrigin changes a trusted origin as an admin would.
func (s *Server) AdminEditTrustedOrigin(id string, change func(*TrustedOrigin)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.orgs.byID[id]
	if !ok {
		return fmt.Errorf("editing trusted origin %s: no such origin", id)
	}
	next := *cur
	next.Scopes = slices.Clone(cur.Scopes)
	change(&next)
	next.ID, next.Created, next.CreatedBy = cur.ID, cur.Created, cur.CreatedBy
	if err := s.validateOrigin(&next); err != nil {
		return fmt.Errorf("editing trusted origin %s: %w", id, err)
	}
	s.replaceOriginLocked(cur, next, consoleAdmin)
	return nil
}

func (s *Server) createOriginLocked(o TrustedOrigin, actor LogActor) (TrustedOrigin, *APIError) {
	now := s.now().UTC()
	o.ID, o.Created, o.LastUpdated, o.CreatedBy, o.LastUpdatedBy = newID("tos"), now, now, actor.ID, actor.ID
	if o.Status == "" {
		o.Status = "ACTIVE"
	}
	if err := s.validateOrigin(&o); err != nil {
		return TrustedOrigin{}, err
	}
	s.orgs.byID[o.ID] = &o
	s.recordLocked("security.trusted_origin.create", actor, originTarget(&o))
	return o, nil
}

func (s *Server) replaceOriginLocked(cur *TrustedOrigin, next TrustedOrigin, actor LogActor) {
	next.LastUpdated, next.LastUpdatedBy = s.now().UTC(), actor.ID
	event := "security.trusted_origin.update"
	if cur.Status != next.Status {
		event = map[string]string{"ACTIVE": "security.trusted_origin.activate", "INACTIVE": "security.trusted_origin.deactivate"}[next.Status]
	}
	s.orgs.byID[cur.ID] = &next
	s.recordLocked(event, actor, originTarget(&next))
}

func (s *Server) originLinks(o *TrustedOrigin) TrustedOrigin {
	out := *o
	self := s.URL + "/api/v1/trustedOrigins/" + o.ID
	// As recorded, with the methods each link allows
	// (TestAccResourceOktaTrustedOrigin_crud/oie-00.yaml).
	hints := func(methods ...string) map[string]any { return map[string]any{"allow": methods} }
	out.Links = map[string]any{"self": map[string]any{"href": self, "hints": hints("GET", "PUT", "DELETE")}}
	if o.Status == "ACTIVE" {
		out.Links["deactivate"] = map[string]any{"href": self + "/lifecycle/deactivate", "hints": hints("POST")}
	} else {
		out.Links["activate"] = map[string]any{"href": self + "/lifecycle/activate", "hints": hints("POST")}
	}
	return out
}

var originFilterAttrs = map[string]func(*TrustedOrigin) []string{
	"name":   func(o *TrustedOrigin) []string { return []string{o.Name} },
	"origin": func(o *TrustedOrigin) []string { return []string{o.Origin} },
	"status": func(o *TrustedOrigin) []string { return []string{o.Status} },
}

// listOrigins serves GET /api/v1/trustedOrigins (q: name or origin starts
// with; filter: SCIM on name, origin, status; spec listTrustedOrigins).
func (s *Server) listOrigins(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	match := func(*TrustedOrigin) bool { return true }
	if f := r.URL.Query().Get("filter"); f != "" {
		m, err := parseFilterOf(f, originFilterAttrs)
		if err != nil {
			writeAPIError(w, err)
			return
		}
		match = m
	}
	q := strings.ToLower(r.URL.Query().Get("q"))
	out := []TrustedOrigin{}
	for _, o := range s.orgs.byID {
		named := strings.HasPrefix(strings.ToLower(o.Name), q) || strings.HasPrefix(strings.ToLower(o.Origin), q)
		if named && match(o) {
			out = append(out, s.originLinks(o))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Created.Before(out[j].Created) || out[i].Created.Equal(out[j].Created) && out[i].ID < out[j].ID
	})
	items, cursor := pageItems(out, func(o TrustedOrigin) string { return o.ID })
	s.writePage(w, r, items, cursor, originPages)
}

func (s *Server) getOrigin(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := found(w, s.orgs.byID, id, "TrustedOrigin")
	if !ok {
		return
	}
	writeValue(w, http.StatusOK, s.originLinks(o))
}

func (s *Server) createOrigin(w http.ResponseWriter, r *http.Request, c caller) {
	var in TrustedOrigin
	if !decodeBody(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in.Status = "" // a new origin is ACTIVE; status changes through lifecycle
	out, err := s.createOriginLocked(in, c.actor())
	if err != nil {
		writeAPIError(w, err)
		return
	}
	writeValue(w, http.StatusOK, s.originLinks(&out))
}

func (s *Server) putOrigin(w http.ResponseWriter, r *http.Request, c caller, id string) {
	var in TrustedOrigin
	if !decodeBody(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := found(w, s.orgs.byID, id, "TrustedOrigin")
	if !ok {
		return
	}
	next := *cur
	next.Name, next.Origin, next.Scopes = in.Name, in.Origin, in.Scopes
	if err := s.validateOrigin(&next); err != nil {
		writeAPIError(w, err)
		return
	}
	s.replaceOriginLocked(cur, next, c.actor())
	writeValue(w, http.StatusOK, s.originLinks(s.orgs.byID[id]))
}

func (s *Server) deleteOrigin(w http.ResponseWriter, c caller, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := found(w, s.orgs.byID, id, "TrustedOrigin")
	if !ok {
		return
	}
	delete(s.orgs.byID, id)
	s.recordLocked("security.trusted_origin.delete", c.actor(), originTarget(o))
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) originLifecycle(w http.ResponseWriter, c caller, id, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := found(w, s.orgs.byID, id, "TrustedOrigin")
	if !ok {
		return
	}
	if cur.Status != status {
		next := *cur
		next.Status = status
		s.replaceOriginLocked(cur, next, c.actor())
	}
	writeValue(w, http.StatusOK, s.originLinks(s.orgs.byID[id]))
}
