package oktasim

import (
	"net/http"
	"strings"
)

// Features an org may lack. Real Okta answers a call to an API whose
// feature the org has not bought with 401 E0000015, although the token is
// good: recorded for a Classic org without API Access Management on
// POST /api/v1/authorizationServers and GET /api/v1/authorizationServers/default
// (okta/terraform-provider-okta v6.12.0 test/fixtures/vcr/idaas/
// TestAccDataSourceOktaAuthServerPolicy_read/classic-00.yaml,
// TestAccResourceOktaAuthServerDefault_crud/classic-00.yaml).
const (
	// FeatureAPIAccessManagement is custom authorization servers
	// (/api/v1/authorizationServers).
	FeatureAPIAccessManagement = "/api/v1/authorizationServers"
)

// DisableFeature makes every management API call under the feature's path
// (one of the Feature* constants, or any path prefix) answer 401 E0000015,
// as an org without the feature does; EnableFeature undoes it.
func (s *Server) DisableFeature(feature string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.featuresOff == nil {
		s.featuresOff = map[string]bool{}
	}
	s.featuresOff[feature] = true
}

// EnableFeature turns a feature DisableFeature turned off back on.
func (s *Server) EnableFeature(feature string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.featuresOff, feature)
}

// featureOff answers a call to a disabled feature with the recorded
// E0000015 and reports whether it did.
func (s *Server) featureOff(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	off := false
	for f := range s.featuresOff {
		off = off || r.URL.Path == f || strings.HasPrefix(r.URL.Path, f+"/")
	}
	s.mu.Unlock()
	if off {
		writeError(w, http.StatusUnauthorized, "E0000015", "You do not have permission to access the feature you are requesting")
	}
	return off
}
