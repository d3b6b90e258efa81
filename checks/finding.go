package checks

import (
	"slices"
)

// Severity says whether a finding is drift (error) or worth a look (warning).
type Severity string

// Severities of findings; only errors make a target's status "drift".
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Finding is one difference between the desired and the observed wiring.
// Expected and Actual hold a string for a scalar field and a list of strings
// for a list field.
type Finding struct {
	Check    string   `json:"check"`
	Target   string   `json:"target"`
	Severity Severity `json:"severity"`
	Field    string   `json:"field"`
	Expected any      `json:"expected"`
	Actual   any      `json:"actual"`
	Missing  []string `json:"missing"`
	Extra    []string `json:"extra"`
	Fixable  bool     `json:"fixable"`
	Message  string   `json:"message"`
}

// Check ids, fixed by the contract; scripts and ignore lists rely on them.
const (
	IDAppStatus              = "okta.app_status"
	IDAppType                = "okta.app_type"
	IDClientID               = "okta.client_id"
	IDRedirectURIs           = "okta.redirect_uris"
	IDPostLogoutRedirectURIs = "okta.post_logout_redirect_uris"
	IDGrantTypes             = "okta.grant_types"
	IDResponseTypes          = "okta.response_types"
	IDTokenAuth              = "okta.token_auth"
	IDIssuerMode             = "okta.issuer_mode"
	IDWandbClientID          = "wandb.oidc_client_id"
	IDWandbIssuer            = "wandb.oidc_issuer"
	IDWandbAuthMethod        = "wandb.oidc_auth_method"
	IDWandbCORSOrigins       = "wandb.cors_origins"
	IDWandbSSOEnabled        = "wandb.sso_enabled"
	IDDiscovery              = "oidc.discovery"
	IDAssignments            = "okta.assignments"
	IDTrustedOrigin          = "okta.trusted_origin"
	IDAuthServer             = "okta.auth_server"
	IDWandbRolloutPending    = "wandb.rollout_pending"
)

// IDs lists every check id in the order reports show them.
var IDs = []string{
	IDAppStatus, IDAppType, IDClientID, IDRedirectURIs, IDPostLogoutRedirectURIs,
	IDGrantTypes, IDResponseTypes, IDTokenAuth, IDIssuerMode,
	IDAssignments, IDTrustedOrigin, IDAuthServer,
	IDWandbClientID, IDWandbIssuer, IDWandbAuthMethod, IDWandbCORSOrigins, IDWandbSSOEnabled,
	IDWandbRolloutPending, IDDiscovery,
}

// KnownID reports whether id names a check.
func KnownID(id string) bool { return slices.Contains(IDs, id) }

// HasErrors reports whether any finding is an error, i.e. the target drifted.
func HasErrors(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Evaluate runs every check whose source was observed and is not ignored.
func Evaluate(d *Desired, o *Observed) []Finding {
	var out []Finding
	add := func(id string, fs []Finding) {
		if d.ignored(id) {
			return
		}
		for i := range fs {
			fs[i].Check = id
			fs[i].Target = d.Target
			if fs[i].Missing == nil {
				fs[i].Missing = []string{}
			}
			if fs[i].Extra == nil {
				fs[i].Extra = []string{}
			}
		}
		out = append(out, fs...)
	}
	if o.Okta != nil {
		add(IDAppStatus, AppStatus(d, o.Okta))
		add(IDAppType, AppType(d, o.Okta))
		add(IDClientID, ClientID(d, o.Okta))
		add(IDRedirectURIs, RedirectURIs(d, o.Okta))
		add(IDPostLogoutRedirectURIs, PostLogoutRedirectURIs(d, o.Okta))
		add(IDGrantTypes, GrantTypes(d, o.Okta))
		add(IDResponseTypes, ResponseTypes(d, o.Okta))
		add(IDTokenAuth, TokenAuth(d, o.Okta))
		add(IDIssuerMode, IssuerMode(d, o.Okta, o.AuthServer))
	}
	if o.Assignments != nil {
		add(IDAssignments, AppAssignments(d, o.Assignments))
	}
	if o.TrustedOrigins != nil {
		add(IDTrustedOrigin, TrustedOriginCORS(d, o.TrustedOrigins))
	}
	if o.AuthServer != nil {
		add(IDAuthServer, AuthServerPolicy(d, o.AuthServer, o.Assignments))
	}
	if o.Env != nil {
		add(IDWandbClientID, whereToFix(o.Env, WandbClientID(d, o.Env)))
		add(IDWandbIssuer, whereToFix(o.Env, WandbIssuer(d, o.Env)))
		add(IDWandbAuthMethod, whereToFix(o.Env, WandbAuthMethod(d, o.Env)))
		add(IDWandbCORSOrigins, whereToFix(o.Env, WandbCORSOrigins(d, o.Env)))
		add(IDWandbSSOEnabled, whereToFix(o.Env, WandbSSOEnabled(d, o.Env)))
	}
	if o.Rollout != nil {
		add(IDWandbRolloutPending, RolloutPending(o.Rollout))
	}
	if o.Discovery != nil {
		add(IDDiscovery, DiscoveryDocument(d, o.Discovery))
	}
	return out
}
