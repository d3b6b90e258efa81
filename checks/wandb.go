package checks

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// W&B environment variable names. The operator chart sets the GORILLA_*
// spellings as well; where both are present they must agree.
const (
	EnvClientID          = "OIDC_CLIENT_ID"
	EnvIssuer            = "OIDC_ISSUER"
	EnvAuthMethod        = "OIDC_AUTH_METHOD"
	EnvGorillaClientID   = "GORILLA_OIDC_CLIENT_ID"
	EnvGorillaIssuer     = "GORILLA_OIDC_ISSUER"
	EnvGorillaAuthMethod = "GORILLA_AUTH_METHOD"
	EnvCORSOrigins       = "GORILLA_CORS_ORIGINS"
	EnvLocalRestore      = "LOCAL_RESTORE"
)

// pairedValue reads a setting that W&B accepts under two names. It returns
// the effective value, whether either is set, and a finding when both are set
// and disagree.
func pairedValue(env *WandbEnv, primary, alias string) (value string, set bool, conflict *Finding) {
	p, pok := env.Lookup(primary)
	a, aok := env.Lookup(alias)
	switch {
	case pok && aok && p != a:
		return p, true, &Finding{
			Severity: SeverityError, Field: alias, Expected: p, Actual: a, Fixable: true,
			Message: fmt.Sprintf("%s (%s) and %s (%s) disagree: set both to the same value, W&B may read either.", primary, orUnset(p), alias, orUnset(a)),
		}
	case pok:
		return p, true, nil
	case aok:
		return a, true, nil
	}
	return "", false, nil
}

// WandbClientID: W&B must send Okta the client id of the declared app.
func WandbClientID(d *Desired, env *WandbEnv) []Finding {
	v, set, conflict := pairedValue(env, EnvClientID, EnvGorillaClientID)
	var out []Finding
	switch {
	case !set:
		out = append(out, Finding{
			Severity: SeverityError, Field: EnvClientID, Expected: d.ClientID, Actual: "", Fixable: true,
			Message: fmt.Sprintf("Set OIDC_CLIENT_ID=%s in the W&B deployment: without it W&B has no SSO client.", d.ClientID),
		})
	case v != d.ClientID:
		out = append(out, Finding{
			Severity: SeverityError, Field: EnvClientID, Expected: d.ClientID, Actual: v, Fixable: true,
			Message: fmt.Sprintf("Set OIDC_CLIENT_ID to %s (it is %s): Okta rejects logins for a client id it does not know.", d.ClientID, v),
		})
	}
	if conflict != nil {
		out = append(out, *conflict)
	}
	return out
}

// WandbIssuer: OIDC_ISSUER must equal the declared issuer byte for byte,
// because W&B compares it with the "iss" claim of every token.
func WandbIssuer(d *Desired, env *WandbEnv) []Finding {
	v, set, conflict := pairedValue(env, EnvIssuer, EnvGorillaIssuer)
	var out []Finding
	if !set {
		out = append(out, Finding{
			Severity: SeverityError, Field: EnvIssuer, Expected: d.Issuer, Actual: "", Fixable: true,
			Message: fmt.Sprintf("Set OIDC_ISSUER=%s in the W&B deployment: without it W&B cannot find Okta.", d.Issuer),
		})
	} else if v != d.Issuer {
		out = append(out, Finding{
			Severity: SeverityError, Field: EnvIssuer, Expected: d.Issuer, Actual: v, Fixable: true,
			Message: issuerMessage(d.Issuer, v),
		})
	}
	if conflict != nil {
		out = append(out, *conflict)
	}
	return out
}

func issuerMessage(want, got string) string {
	switch {
	case strings.TrimRight(got, "/") == want:
		return fmt.Sprintf("Remove the trailing slash from OIDC_ISSUER (%s): W&B compares it byte for byte with the token's issuer %s.", got, want)
	case IsOktaAdminHost(got):
		return fmt.Sprintf("OIDC_ISSUER %s is the Okta admin console, not the issuer: set it to %s.", got, want)
	}
	return fmt.Sprintf("Set OIDC_ISSUER to %s (it is %s): W&B rejects tokens whose issuer differs.", want, got)
}

// oktaDomains are Okta's own domains, whose orgs have an admin console on
// the "-admin" twin host. The list is the one okta-sdk-golang checks org URLs
// against (okta/okta-sdk-golang v2 okta/validator.go, validateOktaDomain;
// the same in okta/terraform-provider-okta sdk/v2_validator.go). An org on a
// custom domain has no such twin.
var oktaDomains = []string{"okta.com", "oktapreview.com", "okta-emea.com"}

// IsOktaDomain reports whether host is on one of Okta's own domains
// (acme.okta.com, dev-1-admin.oktapreview.com), not a custom domain.
func IsOktaDomain(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	for _, d := range oktaDomains {
		if strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// IsLoopbackHost reports whether host is localhost or a loopback address,
// the only hosts plain http is accepted for (the Okta client's, the
// config's and the Slack links' rule).
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// IsOktaAdminHost reports whether a URL points at an Okta admin console host
// such as https://dev-1-admin.okta.com, which is never an OIDC issuer. Only
// Okta's own domains have admin hosts: https://sso-admin.acme.com is a
// custom domain that may well be the issuer.
func IsOktaAdminHost(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || !IsOktaDomain(u.Hostname()) {
		return false
	}
	first, _, _ := strings.Cut(strings.ToLower(u.Hostname()), ".")
	return strings.HasSuffix(first, "-admin")
}

// WandbAuthMethod: the flow W&B uses must be the declared one (unset means
// implicit, W&B's default).
func WandbAuthMethod(d *Desired, env *WandbEnv) []Finding {
	v, set, conflict := pairedValue(env, EnvAuthMethod, EnvGorillaAuthMethod)
	if !set || v == "" {
		v = string(Implicit)
	}
	var out []Finding
	if AuthMethod(strings.ToLower(v)) != d.AuthMethod {
		out = append(out, Finding{
			Severity: SeverityError, Field: EnvAuthMethod, Expected: string(d.AuthMethod), Actual: v, Fixable: true,
			Message: fmt.Sprintf("Set OIDC_AUTH_METHOD=%s (W&B uses %s): the Okta app is configured for the %s flow.", d.AuthMethod, v, d.AuthMethod),
		})
	}
	if conflict != nil {
		out = append(out, *conflict)
	}
	return out
}

// WandbCORSOrigins: GORILLA_CORS_ORIGINS must hold every desired origin,
// including the literal "null" that the browser sends after Okta's redirect.
func WandbCORSOrigins(d *Desired, env *WandbEnv) []Finding {
	raw, _ := env.Lookup(EnvCORSOrigins)
	actual := ParseOriginList(raw)
	missing, _ := compareSets(d.CORSOrigins, actual, NormalizeURI)
	if len(missing) == 0 {
		return nil
	}
	f := Finding{
		Severity: SeverityError, Field: EnvCORSOrigins, Expected: nonNil(d.CORSOrigins), Actual: nonNil(actual),
		Missing: missing, Fixable: true,
	}
	if len(missing) == 1 && missing[0] == "null" {
		f.Message = "Add `null` to GORILLA_CORS_ORIGINS: users see \"request from invalid origin: null\" after the Okta redirect otherwise."
	} else {
		f.Message = fmt.Sprintf("Add %s to GORILLA_CORS_ORIGINS: W&B refuses browser requests from a missing origin (\"request from invalid origin\").", quoteList(missing))
	}
	return []Finding{f}
}

// WandbSSOEnabled: LOCAL_RESTORE=true switches SSO off entirely.
func WandbSSOEnabled(d *Desired, env *WandbEnv) []Finding {
	v, ok := env.Lookup(EnvLocalRestore)
	if !ok {
		return nil
	}
	on, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil || !on {
		return nil
	}
	return []Finding{{
		Severity: SeverityError, Field: EnvLocalRestore, Expected: "unset or false", Actual: v,
		Message: "Unset LOCAL_RESTORE in the W&B deployment: while it is true SSO is switched off and only local accounts can sign in.",
	}}
}

// envPairs are the settings W&B reads under two names; a finding names one,
// and the place to fix it may be recorded under the other (the W&B
// operator's v2 app sets only the GORILLA_ spellings).
var envPairs = map[string]string{
	EnvClientID: EnvGorillaClientID, EnvGorillaClientID: EnvClientID,
	EnvIssuer: EnvGorillaIssuer, EnvGorillaIssuer: EnvIssuer,
	EnvAuthMethod: EnvGorillaAuthMethod, EnvGorillaAuthMethod: EnvAuthMethod,
}

// whereToFix ends each finding's message with where its variable is
// configured, when the env's source says so (env.Where).
func whereToFix(env *WandbEnv, fs []Finding) []Finding {
	for i := range fs {
		where, ok := env.Where[fs[i].Field]
		if !ok {
			where, ok = env.Where[envPairs[fs[i].Field]]
		}
		if ok && where != "" {
			fs[i].Message += " Fix it in " + where + "."
		}
	}
	return fs
}
