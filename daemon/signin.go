package daemon

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/daemon/config"
)

// observeSignIn reads the target's assignments, the org's trusted origins
// and the issuer's authorization server into obs, concurrently; fail
// records a read that failed (never drift). Reads shared by targets of the
// same org go through the pass memo.
func (e *Engine) observeSignIn(ctx context.Context, t *config.Target, org *oktaOrg, memo *passMemo, obs *checks.Observed, fail func(string, error)) {
	if org == nil || org.signin == nil {
		return
	}
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		a, err := readSafely(org.source, func() (*checks.Assignments, error) { return e.readAssignments(ctx, t, org, memo) })
		if err != nil {
			fail(org.source, err)
			return
		}
		obs.Assignments = a
	}()
	go func() {
		defer wg.Done()
		to, err := memoized(memo, "origins "+org.url, func() (*checks.TrustedOrigins, error) { return org.signin.TrustedOrigins(ctx) })
		if err != nil {
			fail(org.source, err)
			return
		}
		obs.TrustedOrigins = to
	}()
	go func() {
		defer wg.Done()
		id := checks.AuthServerID(t.OIDC.Issuer)
		if id == "" {
			return // the org authorization server has no policies to check
		}
		as, err := memoized(memo, "as "+org.url+" "+id, func() (*checks.AuthServer, error) { return org.signin.AuthServer(ctx, id) })
		if err != nil {
			fail(org.source, err)
			return
		}
		obs.AuthServer = as
	}()
	wg.Wait()
}

// readAssignments lists the app's group assignments and resolves the
// desired groups (each name once per pass per org). A name that matches
// no group or several is a config error at targets[i].okta.groups.
func (e *Engine) readAssignments(ctx context.Context, t *config.Target, org *oktaOrg, memo *passMemo) (*checks.Assignments, error) {
	groups, err := org.signin.AppGroups(ctx, t.Okta.AppID)
	if err != nil {
		return nil, err
	}
	a := &checks.Assignments{Groups: groups, Users: -1, Resolved: map[string]string{}}
	names := map[string]string{}
	for _, g := range t.Okta.Groups {
		id, err := memoized(memo, "group "+org.url+" "+g, func() (string, error) { return org.signin.ResolveGroup(ctx, g) })
		var re *source.GroupResolutionError
		if errors.As(err, &re) {
			return nil, config.GroupsError(e.targetIndex(t), err)
		}
		if err != nil {
			return nil, err
		}
		a.Resolved[g], names[id] = id, g
	}
	for i := range a.Groups {
		if a.Groups[i].Name == "" {
			a.Groups[i].Name = names[a.Groups[i].ID]
		}
	}
	if len(t.Okta.Groups) == 0 && len(groups) == 0 {
		if a.Users, err = org.signin.AppUserCount(ctx, t.Okta.AppID); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// nameOrg makes every Okta finding of a target in another org than
// okta.org_url name its org, so an alert says where to look.
func nameOrg(fs []checks.Finding, org *oktaOrg) {
	if org == nil || org.source == "okta" {
		return
	}
	for i := range fs {
		if strings.HasPrefix(fs[i].Check, "okta.") && !strings.Contains(fs[i].Message, org.url) {
			fs[i].Message += " (Okta org " + org.url + ")"
		}
	}
}

func (e *Engine) targetIndex(t *config.Target) int {
	for i := range e.cfg.Targets {
		if e.cfg.Targets[i].Name == t.Name {
			return i
		}
	}
	return -1
}
