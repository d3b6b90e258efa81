package bootstrap

import (
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/config"
)

// ConfigFile and ModuleDir are what init writes under its --out directory.
const (
	ConfigFile = "driftd.yaml"
	ModuleDir  = "terraform"
)

// TargetName is the target's name: the W&B host's first label, made a
// valid target name (daemon/config's targetName pattern).
func (in *Install) TargetName() string {
	u, err := url.Parse(in.Opts.WandbURL)
	name := "wandb"
	if err == nil && u.Hostname() != "" {
		name = strings.ToLower(strings.Split(u.Hostname(), ".")[0])
	}
	name = regexp.MustCompile(`[^a-z0-9._-]+`).ReplaceAllString(name, "-")
	name = strings.Trim(name, "-._")
	if name == "" {
		name = "wandb"
	}
	return name
}

// Config renders driftd.yaml: one target whose desired state is what
// works today, each derived value commented with where it came from.
// findings, when set (--accept-current), are written as comments at the top.
func (in *Install) Config(findings []string) []byte {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	app := in.App
	w("# driftd configuration written by `driftd init` from a working install:")
	w("# the W&B side read from %s, the Okta app %q (%s) in %s.", oneLine(in.From), app.Label, app.ID, oneLine(in.Opts.OktaOrgURL))
	w("# Check it: driftd validate --config driftd.yaml && driftd check --config driftd.yaml")
	if len(findings) > 0 {
		w("#")
		w("# Accepted with --accept-current although today's state already fails these checks:")
		for _, f := range findings {
			w("#   %s", oneLine(f))
		}
	}
	w(`schedule: "@every 5m"`)
	w("state_dir: driftd-data            # relative to this file")
	w("okta:")
	w("  org_url: %s   # --okta-org-url", q(in.Opts.OktaOrgURL))
	w("  api_token: ${OKTA_API_TOKEN}    # read from the environment, never written here")
	w("targets:")
	w("  - name: %s", q(in.TargetName()))
	w("    wandb:")
	w("      url: %s   # --wandb-url", q(in.Opts.WandbURL))
	w("      env:")
	in.writeEnvSource(w)
	w("    okta:")
	w("      app_id: %s   # the OIDC app whose client id is the W&B side's %s (label %q)", q(app.ID), in.ClientIDKey, app.Label)
	if len(in.Groups) > 0 {
		w("      groups: %s   # assigned to the app today: %s", list(groupIDs(in)), groupNames(in))
	}
	w("    oidc:")
	w("      client_id: %s   # %s in %s", q(in.ClientID), in.ClientIDKey, oneLine(in.From))
	if iss := in.DesiredIssuer(); iss != in.Issuer {
		w("      issuer: %s   # %s in %s is %s: an Okta issuer has no trailing slash and no -admin host", q(iss), in.IssuerKey, oneLine(in.From), q(in.Issuer))
	} else {
		w("      issuer: %s   # %s in %s", q(iss), in.IssuerKey, oneLine(in.From))
	}
	if in.AuthMethodKey != "" && !strings.EqualFold(in.WandbAuthMethod, in.AuthMethod) {
		w("      auth_method: %s   # the app's flow (pkce_required: %t): %s in %s is %s, no flow W&B knows", q(in.AuthMethod), app.PKCERequired, in.AuthMethodKey, oneLine(in.From), q(in.WandbAuthMethod))
	} else if in.AuthMethodKey != "" {
		w("      auth_method: %s   # %s in %s", q(in.AuthMethod), in.AuthMethodKey, oneLine(in.From))
	} else {
		w("      auth_method: %s   # OIDC_AUTH_METHOD is unset in %s: W&B's default", q(in.AuthMethod), oneLine(in.From))
	}
	base := strings.TrimRight(in.Opts.WandbURL, "/")
	in.writeList(w, "redirect_uris", "the app's sign-in redirect URIs today", app.RedirectURIs, base+"/oidc/callback")
	in.writeList(w, "post_logout_redirect_uris", "the app's sign-out redirect URIs today", app.PostLogoutRedirectURIs, base+"/logout")
	in.writeList(w, "grant_types", "the app's grant types today", app.GrantTypes, "authorization_code", "implicit")
	in.writeList(w, "cors_origins", "GORILLA_CORS_ORIGINS in "+in.From, in.CORSOrigins, base, "null")
	w("    remediation:")
	w("      # alert reports drift only. Once `terraform plan` in %s/ shows imports", ModuleDir)
	w("      # and no change, switch to plan, approve or apply.")
	w("      mode: alert")
	w("      terraform:")
	w("        dir: %s   # written by driftd init beside this file", ModuleDir)
	w("        # Terraform gets none of driftd's environment: give the okta provider")
	w("        # its own credential, one that may write apps (not driftd's read token):")
	w("        # env: {OKTA_ORG_NAME: %s, OKTA_BASE_URL: %s, OKTA_API_TOKEN: \"${OKTA_TF_API_TOKEN}\"}", q(orgName(in.Opts.OktaOrgURL)), q(baseURL(in.Opts.OktaOrgURL)))
	return []byte(b.String())
}

// DesiredIssuer is the issuer the config declares: the W&B side's, less
// what no Okta issuer has (contract section 1): a trailing slash, and the
// -admin console host of an org on Okta's own domains. W&B's own value stays
// the observation, so a W&B that names either is reported, never declared.
func (in *Install) DesiredIssuer() string {
	iss := strings.TrimRight(in.Issuer, "/")
	if checks.IsOktaAdminHost(iss) {
		if u, err := url.Parse(iss); err == nil {
			first, rest, _ := strings.Cut(u.Host, ".")
			u.Host = strings.TrimSuffix(strings.ToLower(first), "-admin") + "." + rest
			iss = u.String()
		}
	}
	return iss
}

// writeList writes a desired list: today's values, plus those W&B needs
// that today's lack (contract section 2's derived defaults), so a state
// that is already broken is never declared as desired.
func (in *Install) writeList(w func(string, ...any), key, today string, have []string, needs ...string) {
	var out, left []string
	for _, h := range have {
		if config.ListValueProblem(key, h) != "" {
			left = append(left, h)
			continue
		}
		out = append(out, h)
	}
	if len(left) > 0 {
		w("    # Left out of %s: %s (the config takes https URLs, http only on loopback hosts); the check reports them.", key, oneLine(strings.Join(left, ", ")))
	}
	var added []string
	for _, n := range needs {
		if !slices.ContainsFunc(out, func(h string) bool { return checks.NormalizeURI(h) == checks.NormalizeURI(n) }) {
			out = append(out, n)
			added = append(added, n)
		}
	}
	comment := oneLine(today)
	if len(added) > 0 {
		comment += ", plus what W&B needs that they lack: " + strings.Join(added, ", ")
	}
	w("    %s: %s   # %s", key, list(out), comment)
}

func (in *Install) writeEnvSource(w func(string, ...any)) {
	o := in.Opts
	switch {
	case o.EnvFile != "":
		abs, err := filepath.Abs(o.EnvFile)
		if err != nil {
			abs = o.EnvFile
		}
		w("        source: file")
		w("        path: %s   # --env-file", q(abs))
	default:
		w("        source: kubernetes")
		w("        namespace: %s", q(in.Namespace))
		if o.KubeDeployment != "" {
			w("        deployment: %s   # --kube-deployment", q(in.Name))
		} else {
			w("        weightsandbiases: %s   # --kube-wandb", q(in.Name))
		}
	}
}

func groupIDs(in *Install) []string {
	var ids []string
	for _, g := range in.Groups {
		ids = append(ids, g.ID)
	}
	return ids
}

func groupNames(in *Install) string {
	var names []string
	for _, g := range in.Groups {
		if g.Name == "" {
			names = append(names, g.ID)
			continue
		}
		names = append(names, fmt.Sprintf("%s (%s)", g.Name, g.ID))
	}
	return oneLine(strings.Join(names, ", "))
}

// lineBreaks are what ends a comment: YAML's line breaks (\r, \n) and the
// NEL, LS and PS that go-yaml's scanner (is_break) also breaks lines at.
var lineBreaks = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ", "\u0085", " ", "\u2028", " ", "\u2029", " ")

// oneLine keeps observed text (a group name, a finding quoting a label or
// a URI, a path) inside the comment it is written in: an Okta group name is
// any string (okta-management-openapi 2026.06.3, OktaUserGroupProfile.name),
// and a line break in it would start a line of config.
func oneLine(s string) string { return lineBreaks.Replace(s) }

// q quotes a YAML scalar: a Go-quoted string is a valid YAML double-quoted
// scalar, and quoting keeps `null`, `true` or a leading `*` a string.
func q(s string) string { return strconv.Quote(s) }

// list is a YAML flow sequence of quoted strings.
func list(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = q(s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// orgName and baseURL split an org URL as the okta provider's OKTA_ORG_NAME
// and OKTA_BASE_URL take it (https://acme.okta.com: acme, okta.com).
func orgName(orgURL string) string {
	name, _, _ := strings.Cut(hostOf(orgURL), ".")
	return name
}

func baseURL(orgURL string) string {
	_, base, _ := strings.Cut(hostOf(orgURL), ".")
	return base
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Hostname()
}
