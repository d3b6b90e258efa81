package oktasim

import (
	"fmt"
	"net/url"
	"strings"
)

// WandbUsersGroup is the group SetUpSignIn assigns to W&B apps.
const WandbUsersGroup = "W&B Users"

// SetUpSignIn does what an admin does after creating the W&B app so that
// people can actually sign in (W&B's Okta guide leaves it to "configure
// according to your needs"): it assigns the app to the "W&B Users" group
// (Applications > Assignments, created once) and makes the W&B origin a
// trusted origin with the CORS and REDIRECT scopes (Security > API >
// Trusted Origins, created once per origin). It returns the group.
func (s *Server) SetUpSignIn(appID, wandbURL string) (Group, error) {
	g, err := s.groupNamed(WandbUsersGroup)
	if err != nil {
		return Group{}, err
	}
	if err := s.AssignGroup(appID, g.ID, 0); err != nil {
		return Group{}, err
	}
	u, err := url.Parse(wandbURL)
	if err != nil || u.Host == "" {
		return Group{}, fmt.Errorf("setting up sign-in for app %s: %q is not a URL", appID, wandbURL)
	}
	origin := strings.ToLower(u.Scheme + "://" + u.Host)
	s.mu.Lock()
	exists := false
	for _, o := range s.orgs.byID {
		exists = exists || strings.EqualFold(o.Origin, origin)
	}
	s.mu.Unlock()
	if !exists {
		if _, err := s.AddTrustedOrigin(u.Host, origin, "CORS", "REDIRECT"); err != nil {
			return Group{}, fmt.Errorf("setting up sign-in for app %s: %w", appID, err)
		}
	}
	return g, nil
}

func (s *Server) groupNamed(name string) (Group, error) {
	s.mu.Lock()
	for _, g := range s.dir.groups {
		if g.Profile.Name == name {
			s.mu.Unlock()
			return *g, nil
		}
	}
	s.mu.Unlock()
	return s.AddGroup(name, "People who sign in to W&B")
}
