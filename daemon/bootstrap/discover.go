package bootstrap

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/checks/source"
)

// Options are init's flags.
type Options struct {
	OktaOrgURL string
	WandbURL   string
	// OktaToken is the org's SSWS API token (OKTA_API_TOKEN).
	OktaToken string
	// Exactly one of EnvFile, KubeDeployment and KubeWandb (NS/NAME) names
	// where the W&B side is read.
	EnvFile        string
	KubeDeployment string
	KubeWandb      string
	// Transport carries Okta requests; nil means http.DefaultTransport.
	Transport http.RoundTripper
}

// Install is what init read of a working install. It holds only the
// values the config and module repeat: none of the W&B env's other
// variables (database passwords and the like) and no Okta secret.
type Install struct {
	Opts Options
	// From says where the W&B side was read, for the comments.
	From string
	// Namespace and Name split KubeDeployment or KubeWandb.
	Namespace, Name string

	ClientID, Issuer, AuthMethod string
	// ClientIDKey, IssuerKey and AuthMethodKey are the env variables the
	// values were read from ("" for an unset auth method: implicit).
	ClientIDKey, IssuerKey, AuthMethodKey string
	// WandbAuthMethod is the auth method as the W&B side spells it; it
	// differs from AuthMethod when that names no flow and the app decides.
	WandbAuthMethod string
	// CORSOrigins is GORILLA_CORS_ORIGINS split on ","; nil when unset.
	CORSOrigins []string

	App    *source.FoundApp
	Groups []checks.AssignedGroup
	// Origin is the trusted origin for the W&B URL; nil when there is none.
	Origin *checks.TrustedOrigin
	// AuthServerID is the custom authorization server of the issuer; ""
	// for the org authorization server.
	AuthServerID string
	// Rule is the access policy rule that lets this client sign in; nil
	// for the org authorization server or when none does.
	Rule *source.PolicyRule
}

// NotFoundError is an app that cannot be found by client id, or more than
// one (exit 1, naming the client id).
type NotFoundError struct {
	ClientID string
	Count    int
}

func (e *NotFoundError) Error() string {
	if e.Count == 0 {
		return fmt.Sprintf("no OIDC app in Okta has client id %s (the W&B side's OIDC_CLIENT_ID): check --okta-org-url and the W&B env", e.ClientID)
	}
	return fmt.Sprintf("%d OIDC apps in Okta have client id %s: cannot tell which one W&B uses", e.Count, e.ClientID)
}

// Discover reads the W&B side, then the Okta app whose client id it names
// and what a sign-in through it passes: its group assignments, the trusted
// origin of the W&B URL and, for a custom issuer, the policy rule.
func Discover(ctx context.Context, o Options) (*Install, error) {
	in := &Install{Opts: o}
	if err := in.readWandb(ctx); err != nil {
		return nil, err
	}
	okta, err := source.NewOktaReader(ctx, source.OktaOptions{OrgURL: o.OktaOrgURL, Token: o.OktaToken, Transport: o.Transport})
	if err != nil {
		return nil, err
	}
	// The reader holds the token; the Install, which renders files, never does.
	in.Opts.OktaToken = ""
	apps, err := okta.FindOIDCApps(ctx, in.ClientID)
	if err != nil {
		return nil, err
	}
	if len(apps) != 1 {
		return nil, &NotFoundError{ClientID: in.ClientID, Count: len(apps)}
	}
	in.App = apps[0]
	if in.AuthMethod == "" {
		in.AuthMethod = "implicit"
		if in.App.PKCERequired {
			in.AuthMethod = "pkce"
		}
	}
	if in.Groups, err = okta.AppGroups(ctx, in.App.ID); err != nil {
		return nil, err
	}
	origins, err := okta.TrustedOrigins(ctx)
	if err != nil {
		return nil, err
	}
	in.Origin = originFor(origins, o.WandbURL)
	if in.AuthServerID = checks.AuthServerID(in.Issuer); in.AuthServerID != "" {
		as, err := okta.AuthServer(ctx, in.AuthServerID)
		if err != nil {
			return nil, err
		}
		if p, r := captureRule(as, in.ClientID, in.grantType(), in.Groups); r != nil {
			if in.Rule, err = okta.AuthServerPolicyRule(ctx, in.AuthServerID, p.ID, r.ID); err != nil {
				return nil, err
			}
		}
	}
	return in, nil
}

// readWandb reads the W&B env from the one source the flags name.
func (in *Install) readWandb(ctx context.Context) error {
	o := in.Opts
	var r interface {
		Env(context.Context) (*checks.WandbEnv, error)
	}
	switch {
	case o.EnvFile != "":
		in.From = "the env file " + o.EnvFile
		r = source.EnvFile{Path: o.EnvFile}
	case o.KubeDeployment != "", o.KubeWandb != "":
		ref, kind := o.KubeDeployment, "Deployment"
		if ref == "" {
			ref, kind = o.KubeWandb, "WeightsAndBiases"
		}
		ns, name, ok := strings.Cut(ref, "/")
		if !ok || ns == "" || name == "" || strings.Contains(name, "/") {
			return fmt.Errorf("%q: name the %s as NAMESPACE/NAME", ref, kind)
		}
		in.Namespace, in.Name = ns, name
		in.From = fmt.Sprintf("the %s %s/%s", kind, ns, name)
		k := &source.KubernetesEnv{Namespace: ns}
		if kind == "Deployment" {
			k.Deployment = name
		} else {
			k.WeightsAndBiases = name
		}
		r = k
	default:
		return errors.New("name where W&B runs: --env-file, --kube-deployment or --kube-wandb")
	}
	env, err := r.Env(ctx)
	if err != nil {
		return fmt.Errorf("reading the W&B side (%s): %w", in.From, err)
	}
	return in.takeEnv(env)
}

// takeEnv keeps the OIDC values and the CORS origins, nothing else.
func (in *Install) takeEnv(env *checks.WandbEnv) error {
	pick := func(keys ...string) (string, string) {
		for _, k := range keys {
			if v, ok := env.Lookup(k); ok && v != "" {
				return v, k
			}
		}
		return "", ""
	}
	in.ClientID, in.ClientIDKey = pick(checks.EnvClientID, checks.EnvGorillaClientID)
	in.Issuer, in.IssuerKey = pick(checks.EnvIssuer, checks.EnvGorillaIssuer)
	in.AuthMethod, in.AuthMethodKey = pick(checks.EnvAuthMethod, checks.EnvGorillaAuthMethod)
	if in.ClientID == "" {
		return fmt.Errorf("the W&B side (%s) sets no OIDC_CLIENT_ID: SSO is not configured there", in.From)
	}
	if in.Issuer == "" {
		return fmt.Errorf("the W&B side (%s) sets no OIDC_ISSUER: SSO is not configured there", in.From)
	}
	// wandb.oidc_auth_method reads the value in any letter case.
	switch in.WandbAuthMethod = in.AuthMethod; strings.ToLower(in.AuthMethod) {
	case "":
		in.AuthMethod = "implicit" // W&B's default when OIDC_AUTH_METHOD is unset
	case "implicit", "pkce":
		in.AuthMethod = strings.ToLower(in.AuthMethod)
	default:
		// No flow W&B knows: the desired one is the app's (fromApp), and
		// today's state fails wandb.oidc_auth_method (contract section 12:
		// exit 2 with the findings, or written with --accept-current).
		in.AuthMethod = ""
	}
	if v, ok := env.Lookup(checks.EnvCORSOrigins); ok {
		for _, o := range strings.Split(v, ",") {
			if o = strings.TrimSpace(o); o != "" {
				in.CORSOrigins = append(in.CORSOrigins, o)
			}
		}
	}
	return nil
}

// grantType is the grant a W&B sign-in uses: implicit, or the
// authorization code flow with PKCE.
func (in *Install) grantType() string {
	if in.AuthMethod == "pkce" {
		return "authorization_code"
	}
	return "implicit"
}

// originFor returns the trusted origin whose origin is the W&B URL.
func originFor(all *checks.TrustedOrigins, wandbURL string) *checks.TrustedOrigin {
	want := checks.NormalizeURI(strings.TrimRight(wandbURL, "/"))
	for i := range all.Origins {
		if checks.NormalizeURI(all.Origins[i].Origin) == want {
			return &all.Origins[i]
		}
	}
	return nil
}

// captureRule returns the policy and rule that let clientID sign in with
// grant: Okta evaluates the first active policy by priority whose clients
// include the client (or ALL_CLIENTS), then its first active rule by
// priority that matches the grant, the scopes and the user's groups
// (developers.okta.com, "Create access policies" in
// guides/customize-authz-server; checks.SignInRule). When none matches,
// the nearest is the first active rule granting the flow: a rule that does
// not grant it is not the one to import.
func captureRule(as *checks.AuthServer, clientID, grant string, groups []checks.AssignedGroup) (*checks.AuthPolicy, *checks.AuthRule) {
	if p, r := checks.SignInRule(as, clientID, grant, &checks.Assignments{Groups: groups}); r != nil {
		return p, r
	}
	policies := slices.Clone(as.Policies)
	slices.SortStableFunc(policies, func(a, b checks.AuthPolicy) int { return int(a.Priority - b.Priority) })
	for i := range policies {
		p := &policies[i]
		if p.Status != "ACTIVE" || !(slices.Contains(p.Clients, clientID) || slices.Contains(p.Clients, "ALL_CLIENTS")) {
			continue
		}
		rules := slices.Clone(p.Rules)
		slices.SortStableFunc(rules, func(a, b checks.AuthRule) int { return int(a.Priority - b.Priority) })
		for j := range rules {
			if r := &rules[j]; r.Status == "ACTIVE" && slices.Contains(r.GrantTypes, grant) {
				return p, r
			}
		}
		return nil, nil
	}
	return nil, nil
}
