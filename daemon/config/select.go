package config

import (
	"fmt"
	"strings"

	"github.com/driftd/driftd/checks"
)

// Select returns the named target, or all when name is empty.
func (c *Config) Select(name string) ([]*Target, error) {
	if name == "" {
		out := make([]*Target, len(c.Targets))
		for i := range c.Targets {
			out[i] = &c.Targets[i]
		}
		return out, nil
	}
	t, ok := c.Target(name)
	if !ok {
		return nil, &UnknownTargetError{Name: name}
	}
	return []*Target{t}, nil
}

// UnknownTargetError names a target the config does not have.
type UnknownTargetError struct{ Name string }

func (e *UnknownTargetError) Error() string {
	return fmt.Sprintf("no target named %q in the config", e.Name)
}

// Desired turns a validated target into the checks' desired state.
func (t *Target) Desired() *checks.Desired {
	return &checks.Desired{
		Target:                 t.Name,
		WandbURL:               strings.TrimRight(t.Wandb.URL, "/"),
		OktaAppID:              t.Okta.AppID,
		ClientID:               t.OIDC.ClientID,
		Issuer:                 t.OIDC.Issuer,
		AuthMethod:             checks.AuthMethod(t.OIDC.AuthMethod),
		RedirectURIs:           t.RedirectURIs,
		PostLogoutRedirectURIs: t.PostLogoutRedirectURIs,
		GrantTypes:             t.GrantTypes,
		CORSOrigins:            t.CORSOrigins,
		Strict:                 t.Strict,
		Ignore:                 t.Ignore,
	}
}

// Target returns the named target.
func (c *Config) Target(name string) (*Target, bool) {
	for i := range c.Targets {
		if c.Targets[i].Name == name {
			return &c.Targets[i], true
		}
	}
	return nil, false
}
