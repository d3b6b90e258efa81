package events

import (
	"slices"
	"testing"

	"github.com/driftd/driftd/checks/source"
)

func TestIndexMapsEventTargetsToDriftdTargets(t *testing.T) {
	w := newWorld(t, "prod", "dev")
	w.cfg.Targets[1].OIDC.Issuer = w.sim.URL + "/oauth2/default"
	ix := NewIndex(w.cfg)
	cases := []struct {
		name    string
		targets []source.LogTarget
		want    []string
	}{
		{"an app update concerns the target of that app", []source.LogTarget{{ID: "0oaprod", Type: "AppInstance"}}, []string{"prod"}},
		{"a group assignment concerns the target of its app", []source.LogTarget{{ID: "00gusers", Type: "UserGroup"}, {ID: "0oadev", Type: "AppInstance"}}, []string{"dev"}},
		{"an authorization server change concerns the targets of its issuer", []source.LogTarget{{ID: "ausprod", Type: "AuthorizationServer"}}, []string{"prod"}},
		{"the default authorization server is found by its id", []source.LogTarget{{ID: "default", Type: "AuthorizationServer"}}, []string{"dev"}},
		{"a trusted origin is found by its origin", []source.LogTarget{{ID: "tosprod", Type: "TrustedOrigin", AlternateID: "https://PROD.wandb.test"}}, []string{"prod"}},
		{"a trusted origin changed away from the target's origin is still found by its id", []source.LogTarget{{ID: "tosprod", Type: "TrustedOrigin", AlternateID: "https://evil.test"}}, []string{"prod"}},
		{"an unknown app concerns no target", []source.LogTarget{{ID: "0oaother", Type: "AppInstance"}}, nil},
		{"a policy alone concerns no target", []source.LogTarget{{ID: "00pabc", Type: "Policy"}}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ix.Targets(source.LogEvent{Targets: tc.targets})
			if !slices.Equal(got, tc.want) {
				t.Errorf("targets %v, want %v", got, tc.want)
			}
		})
	}
}
