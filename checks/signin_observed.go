package checks

import (
	"net/url"
	"strings"
)

// Assignments is what driftd reads of who may sign in through an Okta app:
// the groups assigned to it and whether any user is.
type Assignments struct {
	// Groups are the app's group assignments.
	Groups []AssignedGroup `json:"groups"`
	// Users is how many users are assigned (directly or through a group),
	// read only when no group is assigned; -1 when it was not read.
	Users int `json:"users"`
	// Resolved maps each desired group, as the config names it (a name or an
	// id), to the id of the Okta group it names in the target's org.
	Resolved map[string]string `json:"resolved"`
}

// AssignedGroup is one group assigned to the app.
type AssignedGroup struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// TrustedOrigin is one Okta Trusted Origin (Security > API > Trusted Origins).
type TrustedOrigin struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Origin string   `json:"origin"`
	Status string   `json:"status"`
	Scopes []string `json:"scopes"`
}

// TrustedOrigins is the org's list of trusted origins.
type TrustedOrigins struct {
	Origins []TrustedOrigin `json:"origins"`
}

// AuthServer is a custom authorization server with its access policies.
type AuthServer struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"`
	// IssuerMode is the server's issuerMode (ORG_URL, CUSTOM_URL, DYNAMIC).
	IssuerMode string       `json:"issuer_mode,omitempty"`
	Policies   []AuthPolicy `json:"policies"`
	// EveryoneGroupID is the id of the org's BUILT_IN Everyone group, read
	// when a rule names a group by id: a rule naming it admits every user.
	EveryoneGroupID string `json:"everyone_group_id,omitempty"`
}

// AuthPolicy is an access policy of a custom authorization server.
type AuthPolicy struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Status   string `json:"status"`
	Priority int64  `json:"priority"`
	// Clients is conditions.clients.include: client ids or ALL_CLIENTS.
	Clients []string   `json:"clients"`
	Rules   []AuthRule `json:"rules"`
}

// AuthRule is a rule of an access policy.
type AuthRule struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Status     string   `json:"status"`
	Priority   int64    `json:"priority"`
	GrantTypes []string `json:"grant_types"`
	Scopes     []string `json:"scopes"`
	// Groups and Users are conditions.people.{groups,users}.include; both
	// nil when the rule has no people condition.
	Groups []string `json:"groups,omitempty"`
	Users  []string `json:"users,omitempty"`
}

// AuthServerID returns the id of the custom authorization server an Okta
// issuer names (https://ORG/oauth2/{id}), or "" for the org authorization
// server (https://ORG), whose policies cannot be edited.
func AuthServerID(issuer string) string {
	u, err := url.Parse(issuer)
	if err != nil {
		return ""
	}
	rest, ok := strings.CutPrefix(strings.TrimRight(u.Path, "/"), "/oauth2/")
	if !ok || rest == "" || strings.Contains(rest, "/") {
		return ""
	}
	return rest
}

// Applies reports whether the policy applies to a client id.
func (p AuthPolicy) Applies(clientID string) bool {
	for _, c := range p.Clients {
		if c == "ALL_CLIENTS" || c == clientID {
			return true
		}
	}
	return false
}

// Grants reports whether the rule grants a grant type with the openid scope.
func (r AuthRule) Grants(grantType string) bool {
	if r.Status != "ACTIVE" {
		return false
	}
	grant, openid := false, false
	for _, g := range r.GrantTypes {
		grant = grant || g == grantType
	}
	for _, s := range r.Scopes {
		openid = openid || s == "openid" || s == "*"
	}
	return grant && openid
}
