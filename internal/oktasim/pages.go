package oktasim

import (
	"net/http"
	"net/url"
	"strconv"
)

// pageSize is how a list Okta pages sizes its pages: the limit when the
// request gives none, and the most a request may ask for. The numbers are
// the spec's (okta-management-openapi-2026.06.3 `limit` parameters of
// listTrustedOrigins 20/200, listApplicationGroupAssignments 20/200,
// listUsers 200, listGroupUsers 1000, listGroups maximum 10000); a list
// whose spec gives no default answers everything unless asked for less.
type pageSize struct{ def, max int }

var (
	originPages     = pageSize{20, 200}
	assignmentPages = pageSize{20, 200}
	groupPages      = pageSize{10000, 10000}
	groupUserPages  = pageSize{1000, 0}
	userPages       = pageSize{200, 0}
	policyPages     = pageSize{0, 0}
)

// writePage answers one page of a list, in the order given, as Okta pages:
// `limit` items after the item whose cursor is `after`, and when more
// remain a Link header with rel="next" whose URL carries the next cursor
// (Okta's pagination: developer.okta.com/docs/api/#pagination, which the
// spec's `after` parameters cite: "obtained through the next link
// relation"). Every paged answer also links rel="self".
func (s *Server) writePage(w http.ResponseWriter, r *http.Request, items []any, cursor func(int) string, size pageSize) {
	q := r.URL.Query()
	start := 0
	if after := q.Get("after"); after != "" {
		start = len(items)
		for i := range items {
			if cursor(i) == after {
				start = i + 1
				break
			}
		}
	}
	limit := size.def
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 {
		limit = n
	}
	if size.max > 0 && limit > size.max {
		limit = size.max
	}
	end := len(items)
	if limit > 0 && start+limit < end {
		end = start + limit
	}
	self := s.URL + r.URL.Path
	if r.URL.RawQuery != "" {
		self += "?" + r.URL.RawQuery
	}
	w.Header().Add("Link", "<"+self+`>; rel="self"`)
	if end < len(items) {
		next := url.Values{}
		for k, v := range q {
			next[k] = v
		}
		next.Set("after", cursor(end-1))
		next.Set("limit", strconv.Itoa(limit))
		w.Header().Add("Link", "<"+s.URL+r.URL.Path+"?"+next.Encode()+`>; rel="next"`)
	}
	if start > len(items) {
		start = len(items)
	}
	writeValue(w, http.StatusOK, items[start:end])
}

// pageItems turns a sorted list into writePage's items and cursor: an
// item's cursor is its id.
func pageItems[T any](items []T, id func(T) string) ([]any, func(int) string) {
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = it
	}
	return out, func(i int) string { return id(items[i]) }
}
