package oktasim

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// appFilterAttrs are the attributes GET /api/v1/apps filters on that the
// simulator models (okta-management-openapi-spec, listApplications:
// "Filtering supports the following limited number of properties: id,
// status, credentials.signing.kid, settings.slo.enabled, or name").
var appFilterAttrs = map[string]func(*App) []string{
	"id":     func(a *App) []string { return []string{a.ID} },
	"status": func(a *App) []string { return []string{a.Status} },
	"name":   func(a *App) []string { return []string{a.Name} },
}

// listApps is GET /api/v1/apps (listApplications): q matches name or label
// by prefix, filter as above, limit (at most 200; the spec's default -1 is
// "all") and the opaque after cursor, with Link: rel="next" while more
// remain. Apps are listed in id order, so a cursor is the last id served.
func (s *Server) listApps(w http.ResponseWriter, r *http.Request) {
	query := r.URL.Query()
	match := func(*App) bool { return true }
	if f := query.Get("filter"); f != "" {
		m, err := parseFilterOf(f, appFilterAttrs)
		if err != nil {
			writeAPIError(w, err)
			return
		}
		match = m
	}
	limit := 200
	if l := query.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil {
			writeError(w, http.StatusBadRequest, "E0000001", "Api validation failed: limit")
			return
		}
		if n > 0 && n < limit {
			limit = n
		}
	}
	q := strings.ToLower(query.Get("q"))
	after := query.Get("after")
	s.mu.Lock()
	var all []*App
	for _, a := range s.apps {
		if a.ID > after && match(a) && (strings.HasPrefix(strings.ToLower(a.Name), q) || strings.HasPrefix(strings.ToLower(a.Label), q)) {
			all = append(all, a)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	out := []App{}
	for i, a := range all {
		if i == limit {
			break
		}
		out = append(out, s.withLinks(a))
	}
	s.mu.Unlock()
	if len(all) > limit {
		next := url.Values{}
		for k, v := range query {
			next[k] = v
		}
		next.Set("after", out[len(out)-1].ID)
		next.Set("limit", strconv.Itoa(limit))
		w.Header().Add("Link", `<`+s.URL+`/api/v1/apps?`+next.Encode()+`>; rel="next"`)
	}
	writeValue(w, http.StatusOK, out)
}
