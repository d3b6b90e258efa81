package terraform

import (
	"fmt"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
)

// Contradiction says why no fix may be attempted for a target, or "": the
// desired state contradicts a value that is Okta's to decide. Okta mints an
// app's client id and no Terraform plan can change it (the okta provider
// marks client_id ForceNew), so a desired oidc.client_id other than the
// app's is a typo in driftd's config; writing it into W&B would break every
// login. An app id Okta does not know leaves nothing to check a client id
// against. The reason names both values.
func Contradiction(t *config.Target, res *report.TargetResult) string {
	obs := res.Observed
	if obs == nil {
		return ""
	}
	if obs.OktaAppMissing {
		return fmt.Sprintf("contradiction: okta.app_id %s does not exist in Okta (404), so oidc.client_id %s cannot be confirmed as its client id; "+
			"driftd writes nothing until okta.app_id names the app W&B signs in with", t.Okta.AppID, t.OIDC.ClientID)
	}
	if app := obs.Okta; app != nil && app.ClientID != t.OIDC.ClientID {
		return fmt.Sprintf("contradiction: oidc.client_id is %s but Okta app %s has client id %s, which only Okta decides; "+
			"driftd will not write %s into W&B: fix oidc.client_id (or okta.app_id) so both name the same app", t.OIDC.ClientID, app.ID, app.ClientID, t.OIDC.ClientID)
	}
	return ""
}

// decidedEnv are the W&B env keys whose value Okta decides, with what the
// observation says it is: the client id of the app, and the issuer the
// discovery document names. A plan may set such a key to that value only.
func decidedEnv(obs *checks.Observed) map[string]string {
	out := map[string]string{}
	if obs == nil {
		return out
	}
	if obs.Okta != nil && obs.Okta.ClientID != "" {
		out[checks.EnvClientID] = obs.Okta.ClientID
		out[checks.EnvGorillaClientID] = obs.Okta.ClientID
	}
	if d := obs.Discovery; d != nil && d.Found && d.Issuer != "" {
		out[checks.EnvIssuer] = d.Issuer
		out[checks.EnvGorillaIssuer] = d.Issuer
	}
	return out
}
