package oktasim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"testing"
)

var nextLink = regexp.MustCompile(`<([^>]+)>; rel="next"`)

// get fetches a page and returns its items and its rel="next" URL.
func getPage(t *testing.T, s *Server, url string) ([]map[string]any, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "SSWS "+s.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var items []map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&items); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s = %d, %v", url, resp.StatusCode, err)
	}
	next := ""
	for _, l := range resp.Header.Values("Link") {
		if m := nextLink.FindStringSubmatch(l); m != nil {
			next = m[1]
		}
	}
	return items, next
}

// The simulator pages as the spec's limit parameters say: trusted origins
// 20 by default and at most 200, a Link rel="next" while more remain, and
// following the links reads every item once.
func TestListsArePagedWithLinkNext(t *testing.T) {
	s, err := Start(Options{RateLimit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 45 {
		if _, err := s.AddTrustedOrigin(fmt.Sprintf("o%02d", i), fmt.Sprintf("https://o%02d.acme.test", i), "CORS"); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		url   string
		pages []int
	}{
		{s.URL + "/api/v1/trustedOrigins", []int{20, 20, 5}},
		{s.URL + "/api/v1/trustedOrigins?limit=30", []int{30, 15}},
		{s.URL + "/api/v1/trustedOrigins?limit=500", []int{45}},
	} {
		seen, url := map[string]bool{}, tc.url
		var sizes []int
		for url != "" {
			var items []map[string]any
			items, url = getPage(t, s, url)
			sizes = append(sizes, len(items))
			for _, it := range items {
				seen[it["id"].(string)] = true
			}
		}
		if fmt.Sprint(sizes) != fmt.Sprint(tc.pages) || len(seen) != 45 {
			t.Errorf("%s: pages %v with %d distinct items, want %v and 45", tc.url, sizes, len(seen), tc.pages)
		}
	}
}

// Users page too: 200 by default (spec listUsers), the admin included.
func TestUsersArePaged(t *testing.T) {
	s, err := Start(Options{RateLimit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.mu.Lock()
	for i := range 249 {
		id := fmt.Sprintf("00usim%014d", i)
		s.people[id] = &person{id: id, status: "ACTIVE", created: s.born, profile: map[string]any{"login": id + "@acme.test", "email": id + "@acme.test"}, groups: map[string]bool{}}
	}
	s.mu.Unlock()
	first, next := getPage(t, s, s.URL+"/api/v1/users")
	second, last := getPage(t, s, next)
	if len(first) != 200 || len(second) != 50 || last != "" {
		t.Fatalf("pages of %d and %d users (next after the second %q), want 200 and 50", len(first), len(second), last)
	}
}
