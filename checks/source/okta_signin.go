package source

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/driftd/driftd/checks"
	"github.com/okta/okta-sdk-golang/v2/okta"
	"github.com/okta/okta-sdk-golang/v2/okta/query"
)

// The Okta API scope each sign-in read needs (the operations' `security:
// oauth2:` lists in okta/okta-management-openapi-spec
// dist/current/management-oneOfInheritance.yaml).
const (
	scopeApps        = "okta.apps.read"
	scopeGroups      = "okta.groups.read"
	scopeOrigins     = "okta.trustedOrigins.read"
	scopeAuthServers = "okta.authorizationServers.read"
)

// pageLimit is the page size asked of Okta's list operations (the default
// for app group assignments is only 20); further pages follow Link: next.
const pageLimit = 200

// AppGroups lists the groups assigned to an app.
func (r *OktaReader) AppGroups(ctx context.Context, appID string) ([]checks.AssignedGroup, error) {
	what := "reading the group assignments of Okta app " + appID
	page, resp, err := r.client.Application.ListApplicationGroupAssignments(ctx, appID, &query.Params{Limit: pageLimit, Expand: "group"})
	var out []checks.AssignedGroup
	var pages pageGuard
	for {
		if err != nil {
			return nil, r.explainRead(what, scopeApps, "applications", resp, err)
		}
		if page == nil {
			return nil, fmt.Errorf("%s: %w", what, errNotAList)
		}
		for _, a := range page {
			if a == nil || a.Id == "" {
				return nil, fmt.Errorf("%s: %w", what, errMalformedList)
			}
			out = append(out, checks.AssignedGroup{ID: a.Id, Name: embeddedGroupName(a.Embedded)})
		}
		if resp == nil || !resp.HasNextPage() {
			return out, nil
		}
		if err := pages.check(resp.NextPage); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		page = nil
		resp, err = resp.Next(ctx, &page)
	}
}

// embeddedGroupName reads _embedded.group.profile.name of an assignment
// listed with expand=group.
func embeddedGroupName(e any) string {
	m, _ := e.(map[string]any)
	g, _ := m["group"].(map[string]any)
	p, _ := g["profile"].(map[string]any)
	name, _ := p["name"].(string)
	return name
}

// AppUserCount says whether any user is assigned to an app: it reads one
// page of one user, which is all the check needs.
func (r *OktaReader) AppUserCount(ctx context.Context, appID string) (int, error) {
	users, resp, err := r.client.Application.ListApplicationUsers(ctx, appID, &query.Params{Limit: 1})
	if err != nil {
		return 0, r.explainRead("reading the users of Okta app "+appID, scopeApps, "applications", resp, err)
	}
	if users == nil {
		return 0, fmt.Errorf("reading the users of Okta app %s: %w", appID, errNotAList)
	}
	for _, u := range users {
		if u == nil || u.Id == "" {
			return 0, fmt.Errorf("reading the users of Okta app %s: %w", appID, errMalformedList)
		}
	}
	return len(users), nil
}

// GroupResolutionError is a desired group that names no group, or several,
// in the org: a configuration problem, not drift.
type GroupResolutionError struct {
	Group   string
	Org     string
	Matches []string
}

func (e *GroupResolutionError) Error() string {
	if len(e.Matches) == 0 {
		return fmt.Sprintf("group %q is neither the name nor the id of a group in %s", e.Group, e.Org)
	}
	return fmt.Sprintf("group %q names %d groups in %s (%s): use the id of the one meant", e.Group, len(e.Matches), e.Org, strings.Join(e.Matches, ", "))
}

var groupID = regexp.MustCompile(`^00g[0-9A-Za-z]{17}$`)

// ResolveGroup returns the id of the group a name or an id names.
func (r *OktaReader) ResolveGroup(ctx context.Context, nameOrID string) (string, error) {
	what := fmt.Sprintf("looking up Okta group %q", nameOrID)
	filter := fmt.Sprintf("profile.name eq %q", nameOrID)
	if groupID.MatchString(nameOrID) {
		filter = fmt.Sprintf("id eq %q or profile.name eq %q", nameOrID, nameOrID)
	}
	groups, resp, err := r.client.Group.ListGroups(ctx, &query.Params{Search: filter, Limit: 10})
	if err != nil {
		return "", r.explainRead(what, scopeGroups, "groups", resp, err)
	}
	if groups == nil {
		return "", fmt.Errorf("%s: %w", what, errNotAList)
	}
	// An id match wins: ids are unique, names of imported groups are not.
	var ids []string
	for _, g := range groups {
		if g == nil || g.Id == "" {
			return "", fmt.Errorf("%s: %w", what, errMalformedList)
		}
		if g.Id == nameOrID {
			return g.Id, nil
		}
		ids = append(ids, g.Id)
	}
	if len(ids) != 1 {
		return "", &GroupResolutionError{Group: nameOrID, Org: r.org, Matches: ids}
	}
	return ids[0], nil
}

// TrustedOrigins lists the org's trusted origins.
func (r *OktaReader) TrustedOrigins(ctx context.Context) (*checks.TrustedOrigins, error) {
	page, resp, err := r.client.TrustedOrigin.ListOrigins(ctx, &query.Params{Limit: pageLimit})
	out := &checks.TrustedOrigins{Origins: []checks.TrustedOrigin{}}
	var pages pageGuard
	for {
		if err != nil {
			return nil, r.explainRead("reading the Okta trusted origins", scopeOrigins, "trusted origins", resp, err)
		}
		if page == nil {
			return nil, fmt.Errorf("reading the Okta trusted origins: %w", errNotAList)
		}
		for _, o := range page {
			if o == nil || o.Id == "" {
				return nil, fmt.Errorf("reading the Okta trusted origins: %w", errMalformedList)
			}
			to := checks.TrustedOrigin{ID: o.Id, Name: o.Name, Origin: o.Origin, Status: o.Status, Scopes: []string{}}
			for _, s := range o.Scopes {
				if s != nil {
					to.Scopes = append(to.Scopes, s.Type)
				}
			}
			out.Origins = append(out.Origins, to)
		}
		if resp == nil || !resp.HasNextPage() {
			return out, nil
		}
		if err := pages.check(resp.NextPage); err != nil {
			return nil, fmt.Errorf("reading the Okta trusted origins: %w", err)
		}
		page = nil
		resp, err = resp.Next(ctx, &page)
	}
}

// AuthServer reads a custom authorization server with its access
// policies and their rules.
func (r *OktaReader) AuthServer(ctx context.Context, id string) (*checks.AuthServer, error) {
	what := "reading Okta authorization server " + id
	as, resp, err := r.client.AuthorizationServer.GetAuthorizationServer(ctx, id)
	if err != nil {
		return nil, r.explainRead(what, scopeAuthServers, "authorization servers", resp, err)
	}
	if err := checkAuthServerAnswer(id, as); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	out := &checks.AuthServer{ID: as.Id, Name: as.Name, Status: as.Status, IssuerMode: as.IssuerMode, Policies: []checks.AuthPolicy{}}
	policies, resp, err := r.client.AuthorizationServer.ListAuthorizationServerPolicies(ctx, id)
	if err != nil {
		return nil, r.explainRead(what+"'s access policies", scopeAuthServers, "authorization servers", resp, err)
	}
	if policies == nil {
		return nil, fmt.Errorf("%s's access policies: %w", what, errNotAList)
	}
	for _, p := range policies {
		if p == nil || p.Id == "" {
			return nil, fmt.Errorf("%s's access policies: %w", what, errMalformedList)
		}
		ap := checks.AuthPolicy{ID: p.Id, Name: p.Name, Status: p.Status, Priority: p.Priority, Rules: []checks.AuthRule{}}
		if p.PriorityPtr != nil {
			ap.Priority = *p.PriorityPtr
		}
		if c := p.Conditions; c != nil && c.Clients != nil {
			ap.Clients = c.Clients.Include
		}
		rules, resp, err := r.client.AuthorizationServer.ListAuthorizationServerPolicyRules(ctx, id, p.Id)
		if err != nil {
			return nil, r.explainRead(fmt.Sprintf("%s's policy %s rules", what, p.Id), scopeAuthServers, "authorization servers", resp, err)
		}
		if rules == nil {
			return nil, fmt.Errorf("%s's policy %s rules: %w", what, p.Id, errNotAList)
		}
		for _, rule := range rules {
			if rule == nil || rule.Id == "" {
				return nil, fmt.Errorf("%s's policy %s rules: %w", what, p.Id, errMalformedList)
			}
			ap.Rules = append(ap.Rules, ruleFromSDK(rule))
		}
		out.Policies = append(out.Policies, ap)
	}
	if namesGroupByID(out) {
		if out.EveryoneGroupID, err = r.everyoneGroupID(ctx); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// namesGroupByID reports whether a rule's people condition names a group
// by id: real orgs answer the Everyone group's id where the console says
// "Any user assigned the app" (okta-vcr 6.12.0
// TestAccResourceOktaAuthServerPolicyRule_priority_concurrency_bug), so
// judging the rule needs that id.
func namesGroupByID(as *checks.AuthServer) bool {
	for _, p := range as.Policies {
		for _, r := range p.Rules {
			for _, g := range r.Groups {
				if g != "EVERYONE" {
					return true
				}
			}
		}
	}
	return false
}

// everyoneGroupID reads the id of the org's Everyone group: a group of
// type BUILT_IN ("managed by Okta", spec GroupType) named Everyone, as real
// orgs answer it (okta-vcr 6.12.0, GET /api/v1/groups?q=Everyone).
func (r *OktaReader) everyoneGroupID(ctx context.Context) (string, error) {
	const what = "looking up the Okta Everyone group"
	groups, resp, err := r.client.Group.ListGroups(ctx, &query.Params{Search: `type eq "BUILT_IN"`, Limit: 10})
	if err != nil {
		return "", r.explainRead(what, scopeGroups, "groups", resp, err)
	}
	for _, g := range groups {
		if g == nil || g.Id == "" {
			return "", fmt.Errorf("%s: %w", what, errMalformedList)
		}
		if g.Profile != nil && g.Profile.Name == "Everyone" {
			return g.Id, nil
		}
	}
	// No BUILT_IN group named Everyone: rules naming groups by id are
	// judged against the app's groups only.
	return "", nil
}

// errMalformedList is a list answer with an entry that is no object (null,
// or without an id): judged, it would read as a missing assignment, origin
// or rule, which is drift; it is a failed read.
var errMalformedList = errors.New("Okta's answer lists an entry without an id (null or {}): not judging it")

// errNotAList is a list answer that is no list. Real Okta answers [] for
// an empty list; an empty body or null decodes to no slice at all (the
// SDK's buildResponse skips an empty body, and null leaves the slice nil),
// and judged it would read as nothing assigned, no origin or no rule,
// which is drift. ({} fails to decode into a list and is an error anyway.)
var errNotAList = errors.New("Okta's answer is not a list (an empty body, {} or null): not judging it")

// checkAuthServerAnswer refuses an answer that is not the authorization
// server asked for: an empty body, {} or null decode to a server without
// an id (or to none), and judged it would be "inactive, no policies".
// "default" is the id Okta gives the org's default custom server, so it
// is compared like any other id.
func checkAuthServerAnswer(id string, as *okta.AuthorizationServer) error {
	switch {
	case as == nil || as.Id == "":
		return errors.New("Okta's answer is not the authorization server: it has no id (an empty body, {} or null)")
	case as.Id != id:
		return fmt.Errorf("Okta answered authorization server %s instead: refusing to judge another server", BoundMessage(as.Id, 64))
	}
	return nil
}

func ruleFromSDK(rule *okta.AuthorizationServerPolicyRule) checks.AuthRule {
	ar := checks.AuthRule{ID: rule.Id, Name: rule.Name, Status: rule.Status, Priority: rule.Priority}
	if rule.PriorityPtr != nil {
		ar.Priority = *rule.PriorityPtr
	}
	if c := rule.Conditions; c != nil {
		if c.GrantTypes != nil {
			ar.GrantTypes = c.GrantTypes.Include
		}
		if c.Scopes != nil {
			ar.Scopes = c.Scopes.Include
		}
		if pc := c.People; pc != nil {
			ar.Groups, ar.Users = []string{}, []string{}
			if pc.Groups != nil {
				ar.Groups = append(ar.Groups, pc.Groups.Include...)
			}
			if pc.Users != nil {
				ar.Users = append(ar.Users, pc.Users.Include...)
			}
		}
	}
	return ar
}

var wwwAuthScope = regexp.MustCompile(`scope="([^"]*)"`)

// explainRead turns a failed sign-in read into an error a person can act
// on. A 403 names what is missing: the OAuth scope (read from Okta's
// WWW-Authenticate header, else the one the operation needs) or, for an
// API token, an admin role that can view the objects.
func (r *OktaReader) explainRead(what, scope, objects string, resp *okta.Response, err error) error {
	if e := r.tokenFailure(what, err); e != nil {
		return e
	}
	if e := featureOff(what, objects, r.org, err); e != nil {
		return e
	}
	status := 0
	if resp != nil && resp.Response != nil {
		status = resp.StatusCode
	}
	var rl *RateLimitedError
	switch {
	case status == http.StatusForbidden && r.oauth != nil:
		if m := wwwAuthScope.FindStringSubmatch(resp.Header.Get("WWW-Authenticate")); m != nil && m[1] != "" {
			scope = m[1]
		}
		return fmt.Errorf("%s: the service app lacks %s (403): grant it in %s (Applications > %s > Okta API Scopes) and list it in okta.oauth.scopes", what, scope, r.org, r.oauth.ClientID)
	case status == http.StatusForbidden:
		return fmt.Errorf("%s: the API token may not read %s (403): the token's admin needs a role that can view %s (e.g. Read-only Administrator)", what, objects, objects)
	case status == http.StatusUnauthorized && r.oauth != nil:
		return fmt.Errorf("%s: Okta rejected the service app's access token (401): check that app %s is ACTIVE in %s", what, r.oauth.ClientID, r.org)
	case status == http.StatusUnauthorized:
		return fmt.Errorf("%s: Okta rejected the API token (401): create a new token in %s (Security > API > Tokens)", what, r.org)
	case status == http.StatusNotFound:
		return fmt.Errorf("%s: not found in %s (404): %w", what, r.org, err)
	case errors.As(err, &rl):
		return fmt.Errorf("%s: %w", what, rl)
	case status != 0:
		return fmt.Errorf("%s: Okta answered %d: %w", what, status, err)
	}
	return fmt.Errorf("%s: %w", what, scrubURL(err))
}

// tokenFailure explains a failure to get an access token, or returns nil.
func (r *OktaReader) tokenFailure(what string, err error) error {
	var te *TokenError
	if errors.As(err, &te) {
		return fmt.Errorf("%s: %w", what, te)
	}
	if r.oauth != nil && err != nil && strings.Contains(err.Error(), "client_assertion") {
		return fmt.Errorf("%s: requesting an access token for service app %s: %w", what, r.oauth.ClientID, scrubURL(err))
	}
	return nil
}

// scrubURL drops the query string of a *url.Error's URL: the SDK puts the
// signed client assertion there, and it must not reach any output.
func scrubURL(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	u, perr := url.Parse(ue.URL)
	if perr != nil {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	u.RawQuery = ""
	return fmt.Errorf("%s %s: %w", ue.Op, u.String(), ue.Err)
}
