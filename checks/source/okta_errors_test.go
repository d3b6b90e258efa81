package source

import (
	"context"
	"strings"
	"testing"

	"github.com/driftd/driftd/internal/oktasim"
)

// An org without API Access Management answers 401 E0000015 for its
// authorization servers (recorded by real Okta); a new token cannot fix
// that, so the message must not ask for one. It did before.
func TestAFeatureTheOrgLacksIsNotCalledABadToken(t *testing.T) {
	sim, r := startSim(t)
	sim.AddAuthorizationServer("aus1")
	sim.DisableFeature(oktasim.FeatureAPIAccessManagement)
	_, err := r.AuthServer(context.Background(), "aus1")
	if err == nil {
		t.Fatal("reading an authorization server of an org without the feature succeeded")
	}
	msg := err.Error()
	if !strings.Contains(msg, "E0000015") || !strings.Contains(msg, "does not have the feature") || !strings.Contains(msg, "API Access Management") {
		t.Errorf("error %q does not say the org lacks the feature", msg)
	}
	if strings.Contains(msg, "Security > API > Tokens") || strings.Contains(msg, "new token") {
		t.Errorf("error %q asks for a new token", msg)
	}
}
