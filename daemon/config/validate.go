package config

import (
	"fmt"
	"net"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/driftd/driftd/checks"
	"github.com/robfig/cron/v3"
)

// applyDefaults fills what the document leaves unset; present holds the key
// paths it sets, so an explicit 0 stays 0 and is refused by validate.
func (c *Config) applyDefaults(present map[string]bool) {
	if c.Schedule == "" {
		c.Schedule = DefaultSchedule
	}
	if c.StateDir == "" {
		c.StateDir = "./driftd-data"
	}
	c.StateDir = c.resolve(c.StateDir)
	if !present["concurrency"] {
		c.Concurrency = 16
	}
	if !present["retention"] {
		c.Retention = 1000
	}
	if !present["okta.rate_limit_reserve"] {
		c.Okta.RateLimitReserve = DefaultRateLimitReserve
	}
	if c.OutageAlertAfter == 0 {
		c.OutageAlertAfter = Duration(15 * time.Minute)
	}
	c.Okta.OrgURL = strings.TrimRight(strings.TrimSpace(c.Okta.OrgURL), "/")
	c.Okta.AdminURL = strings.TrimRight(strings.TrimSpace(c.Okta.AdminURL), "/")
	c.oktaDefaults()
	if c.Server.Listen == "" {
		c.Server.Listen = "127.0.0.1:8080"
	}
	if c.Slack != nil && c.Slack.RepeatInterval == 0 {
		c.Slack.RepeatInterval = Duration(4 * time.Hour)
	}
	for i := range c.Targets {
		c.targetDefaults(&c.Targets[i])
	}
}

// targetDefaults derives a target's lists from its URL and auth method and
// anchors its paths at the config file.
func (c *Config) targetDefaults(t *Target) {
	url := strings.TrimRight(strings.TrimSpace(t.Wandb.URL), "/")
	if t.OIDC.AuthMethod == "" {
		t.OIDC.AuthMethod = string(checks.Implicit)
	}
	t.derivedLists = t.RedirectURIs == nil || t.PostLogoutRedirectURIs == nil || t.CORSOrigins == nil
	if t.RedirectURIs == nil && url != "" {
		t.RedirectURIs = checks.DefaultRedirectURIs(url)
	}
	if t.PostLogoutRedirectURIs == nil && url != "" {
		t.PostLogoutRedirectURIs = checks.DefaultPostLogoutRedirectURIs(url)
	}
	if t.GrantTypes == nil {
		t.GrantTypes = checks.DefaultGrantTypes()
	}
	if t.CORSOrigins == nil && url != "" {
		t.CORSOrigins = checks.DefaultCORSOrigins(url)
	}
	if t.Remedy.Mode == "" {
		t.Remedy.Mode = ModeAlert
	}
	tf := &t.Remedy.Terraform
	if tf.Dir != "" {
		tf.Dir = c.resolve(tf.Dir)
	}
	// The configured mapping is laid over the contract's defaults, so
	// adding one variable keeps the rest; "-" drops a default.
	vars := map[string]string{}
	for k, v := range DefaultTerraformVars {
		vars[k] = v
	}
	for k, v := range tf.Vars {
		if v == noVar {
			delete(vars, k)
		} else {
			vars[k] = v
		}
	}
	tf.Vars = vars
	if tf.Allow == nil {
		tf.Allow = []string{"*"}
	}
	attrs := map[string][]string{}
	for k, v := range DefaultAttributes {
		attrs[k] = v
	}
	for k, v := range tf.Attributes {
		attrs[k] = v
	}
	tf.Attributes = attrs
	if tf.LockTimeout == 0 {
		tf.LockTimeout = Duration(60 * time.Second)
	}
	env := &t.Wandb.Env
	if env.Path != "" {
		env.Path = c.resolve(env.Path)
	}
	if env.Source == "terraform" {
		if env.Dir == "" {
			env.Dir = tf.Dir
		} else {
			env.Dir = c.resolve(env.Dir)
		}
		if env.Output == "" && env.Address == "" {
			env.Output = "wandb_env"
		}
	}
	if env.Source == "kubernetes" {
		c.kubernetesDefaults(env)
	}
}

// resolve makes a path absolute, once, at load time: a relative path is
// anchored at the directory of the config file as it was named (a symlink
// to the file is not followed), so a config works the same whatever
// directory driftd is started from and Terraform, which runs in the module
// directory, gets paths that still point at the same files.
func (c *Config) resolve(p string) string {
	if p == "" {
		return p
	}
	if !filepath.IsAbs(p) && c.Path != "" {
		p = filepath.Join(filepath.Dir(c.Path), p)
	}
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

// slackUserID is a Slack member id: U… for users, W… for Enterprise Grid
// users (https://api.slack.com/changelog/2016-08-11-user-id-format-changes).
var slackUserID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`) })

// validTargetName reports whether s is 1 to 63 of lower-case letters,
// digits, '.', '_' and '-', starting with a letter or digit: what
// `^[a-z0-9][a-z0-9._-]{0,62}$` matches, checked by hand because that
// expression compiles to 62 copies of its class, 0.2 ms of every check.
func validTargetName(s string) bool {
	if len(s) == 0 || len(s) > 63 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || i > 0 && (c == '.' || c == '_' || c == '-')) {
			return false
		}
	}
	return true
}

// CronParser accepts descriptors (@every 5m, @hourly) and 5-field specs.
var CronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

func (c *Config) validate() []string {
	var p []string
	add := func(format string, a ...any) { p = append(p, fmt.Sprintf(format, a...)) }

	if _, err := CronParser.Parse(c.Schedule); err != nil {
		add("schedule: %q is not a cron spec (%v): use \"@every 5m\" or five fields such as \"*/5 * * * *\"", c.Schedule, err)
	}
	if c.Retention < 1 {
		add("retention: %d is out of range: keep at least 1 run", c.Retention)
	}
	switch {
	case c.Concurrency < 1:
		add("concurrency: %d must be at least 1 (leave it unset for 16)", c.Concurrency)
	case c.Concurrency > 1024:
		add("concurrency: %d is out of range: use 1 to 1024", c.Concurrency)
	}
	if c.Okta.OrgURL == "" {
		add("okta.org_url: required, e.g. https://acme.okta.com")
	} else if msg := checkURL(c.Okta.OrgURL, false); msg != "" {
		add("okta.org_url: %s", msg)
	} else if checks.IsOktaAdminHost(c.Okta.OrgURL) {
		add("okta.org_url: %s is the Okta admin console: use the org URL without -admin (%s)", c.Okta.OrgURL, strings.Replace(c.Okta.OrgURL, "-admin.", ".", 1))
	}
	if c.Okta.AdminURL != "" {
		if msg := checkURL(c.Okta.AdminURL, false); msg != "" {
			add("okta.admin_url: %s", msg)
		}
	}
	validateCredentials("okta", c.Okta.APIToken, c.Okta.OAuth, true, add)
	c.checkPadding(add)
	if d := time.Duration(c.OutageAlertAfter); d < time.Minute {
		add("outage_alert_after: %s is too short: use at least 1m (a single failed pass is not an outage)", d)
	}
	if r := c.Okta.RateLimitReserve; r < 0 || r >= 1 {
		add("okta.rate_limit_reserve: %v is out of range: use a share from 0 to below 1, e.g. 0.5", r)
	}
	if s := c.Slack; s != nil {
		switch {
		case s.BotToken.IsZero() && s.WebhookURL.IsZero():
			add("slack: set bot_token (with channel) or webhook_url")
		case !s.BotToken.IsZero() && !s.WebhookURL.IsZero():
			add("slack: set bot_token or webhook_url, not both")
		}
		if !s.BotToken.IsZero() && s.Channel == "" {
			add("slack.channel: required with bot_token, e.g. \"#wandb-sso\"")
		}
		if !s.WebhookURL.IsZero() {
			if msg := checkURL(s.WebhookURL.Reveal(), true); msg != "" {
				add("slack.webhook_url: not a valid https URL")
			}
		}
		if s.APIURL != "" {
			if msg := checkURL(s.APIURL, true); msg != "" {
				add("slack.api_url: %s", msg)
			}
		}
		for j, id := range s.Approvers {
			if !slackUserID().MatchString(id) {
				add("slack.approvers[%d]: %q is not a Slack user id: use the member id (U… or W…, in the profile's \"Copy member ID\"); names are not unique", j, id)
			}
		}
		if time.Duration(s.RepeatInterval) < time.Minute {
			add("slack.repeat_interval: %s is too short: use at least 1m", time.Duration(s.RepeatInterval))
		}
	}
	if _, _, err := net.SplitHostPort(c.Server.Listen); err != nil {
		add("server.listen: %q is not host:port, e.g. 127.0.0.1:8080", c.Server.Listen)
	}
	if len(c.Targets) == 0 {
		add("targets: at least one target is required")
	}
	seen := map[string]int{}
	for i := range c.Targets {
		c.validateTarget(i, seen, add)
	}
	return p
}

func (c *Config) validateTarget(i int, seen map[string]int, add func(string, ...any)) {
	t := &c.Targets[i]
	at := fmt.Sprintf("targets[%d]", i)
	validateNameAndSchedule(t, i, at, seen, add)
	checkLists := validateWandb(t, at, add)
	validateOIDC(t, at, add)
	validateLists(t, at, checkLists, add)
	c.validateRemediation(t, at, add)
	c.validateTargetOkta(t, at, add)
	c.validateTargetSlack(t, at, add)
}

// validateNameAndSchedule checks the target's name (unique) and schedule.
func validateNameAndSchedule(t *Target, i int, at string, seen map[string]int, add func(string, ...any)) {
	switch {
	case t.Name == "":
		add("%s.name: required", at)
	case !validTargetName(t.Name):
		add("%s.name: %q must be lower-case letters, digits, '.', '_' or '-'", at, t.Name)
	default:
		if j, dup := seen[t.Name]; dup {
			add("%s.name: %q is already the name of targets[%d]: names must be unique", at, t.Name, j)
		} else {
			seen[t.Name] = i
		}
	}
	if t.Schedule != "" {
		if _, err := CronParser.Parse(t.Schedule); err != nil {
			add("%s.schedule: %q is not a cron spec (%v): use \"@every 5m\" or five fields such as \"*/5 * * * *\"", at, t.Schedule, err)
		}
	}
}

// validateWandb checks wandb.url and wandb.env; it says whether lists
// derived from the URL are worth checking (not when the URL is already wrong).
func validateWandb(t *Target, at string, add func(string, ...any)) bool {
	checkLists := true
	if t.Wandb.URL == "" {
		add("%s.wandb.url: required, e.g. https://wandb.acme.com", at)
	} else if msg := checkURL(t.Wandb.URL, false); msg != "" {
		add("%s.wandb.url: %s", at, msg)
		checkLists = !t.derivedLists
	}
	env := t.Wandb.Env
	switch env.Source {
	case "":
		add("%s.wandb.env.source: required: file, terraform or kubernetes", at)
	case "file":
		if env.Path == "" {
			add("%s.wandb.env.path: required with source: file", at)
		}
		if env.Dir != "" || env.Output != "" || env.Address != "" {
			add("%s.wandb.env: dir, output and address apply to source: terraform only", at)
		}
	case "terraform":
		if env.Dir == "" {
			add("%s.wandb.env.dir: required with source: terraform (or set remediation.terraform.dir)", at)
		}
		if env.Path != "" {
			add("%s.wandb.env.path: applies to source: file only", at)
		}
		if env.Output != "" && env.Address != "" {
			add("%s.wandb.env: set output or address, not both", at)
		}
	case "kubernetes":
		validateKubernetesEnv(env, at, add)
	default:
		add("%s.wandb.env.source: %q is not a source: use file, terraform or kubernetes", at, env.Source)
	}
	if env.Source != "kubernetes" && hasKubernetesKeys(env) {
		add("%s.wandb.env: kubeconfig, context, namespace, deployment, weightsandbiases and container apply to source: kubernetes only", at)
	}
	return checkLists
}

// validateOIDC checks the Okta app and the OIDC settings.
func validateOIDC(t *Target, at string, add func(string, ...any)) {
	if t.Okta.AppID == "" {
		add("%s.okta.app_id: required: the Okta app's id, e.g. 0oaerfswkrxGBpWUQ5d7", at)
	}
	if t.OIDC.ClientID == "" {
		add("%s.oidc.client_id: required: the Okta app's client id", at)
	}
	switch iss := t.OIDC.Issuer; {
	case iss == "":
		add("%s.oidc.issuer: required, e.g. https://acme.okta.com or https://acme.okta.com/oauth2/default", at)
	case checkURL(strings.TrimRight(iss, "/"), true) != "":
		add("%s.oidc.issuer: %s", at, checkURL(strings.TrimRight(iss, "/"), true))
	case strings.HasSuffix(iss, "/"):
		add("%s.oidc.issuer: %q must not end with a slash: use %q (Okta's discovery document names it without one)", at, iss, strings.TrimRight(iss, "/"))
	case checks.IsOktaAdminHost(iss):
		add("%s.oidc.issuer: %s is the Okta admin console, not an issuer: use %s", at, iss, strings.Replace(iss, "-admin.", ".", 1))
	}
	if !checks.AuthMethod(t.OIDC.AuthMethod).Valid() {
		add("%s.oidc.auth_method: %q is not an auth method: use implicit or pkce", at, t.OIDC.AuthMethod)
	}
}

// validateLists checks the desired URIs, grant types, origins and ignores.
func validateLists(t *Target, at string, checkLists bool, add func(string, ...any)) {
	for j, u := range t.RedirectURIs {
		if !checkLists {
			break
		}
		if msg := checkURL(u, true); msg != "" {
			add("%s.redirect_uris[%d]: %s", at, j, msg)
		}
	}
	for j, u := range t.PostLogoutRedirectURIs {
		if !checkLists {
			break
		}
		if msg := checkURL(u, true); msg != "" {
			add("%s.post_logout_redirect_uris[%d]: %s", at, j, msg)
		}
	}
	for j, g := range t.GrantTypes {
		if !slices.Contains(knownGrantTypes, g) {
			add("%s.grant_types[%d]: %q is not an Okta grant type: use one of %s", at, j, g, strings.Join(knownGrantTypes[:5], ", "))
		}
	}
	for j, o := range t.CORSOrigins {
		if o == "null" || !checkLists {
			continue
		}
		if msg := checkURL(o, false); msg != "" {
			add("%s.cors_origins[%d]: %s (or the literal null)", at, j, msg)
		}
	}
	// W&B's login page posts back from Okta's redirect with Origin: null;
	// without null in GORILLA_CORS_ORIGINS the login fails, while every
	// other check still passes.
	if checkLists && t.CORSOrigins != nil && !slices.Contains(t.CORSOrigins, "null") && !slices.Contains(t.Ignore, "wandb.cors_origins") {
		add("%s.cors_origins: lacks the literal null: W&B refuses the sign-in after the Okta redirect with \"request from invalid origin: null\": add \"null\" in quotes (unquoted, YAML reads null as no value), or ignore wandb.cors_origins", at)
	}
	for j, id := range t.Ignore {
		if !checks.KnownID(id) {
			add("%s.ignore[%d]: %q is not a check id: use one of %s", at, j, id, strings.Join(checks.IDs, ", "))
		}
	}
}

// validateRemediation checks the remediation mode and its Terraform settings.
func (c *Config) validateRemediation(t *Target, at string, add func(string, ...any)) {
	r := t.Remedy
	switch r.Mode {
	case ModeAlert:
	case ModePlan, ModeApply, ModeApprove:
		if r.Terraform.Dir == "" {
			add("%s.remediation.terraform.dir: required with mode %s", at, r.Mode)
		}
		if r.Mode == ModeApprove && (c.Slack == nil || c.Slack.BotToken.IsZero() || c.Slack.SigningSecret.IsZero() || len(c.Slack.Approvers) == 0) {
			add("%s.remediation.mode: approve needs slack.bot_token, slack.signing_secret and slack.approvers: approvals arrive as Slack button clicks", at)
		}
	default:
		add("%s.remediation.mode: %q is not a mode: use alert, plan, apply or approve", at, r.Mode)
	}
	if r.Terraform.Timeout < 0 {
		add("%s.remediation.terraform.timeout: %s is negative: use a duration such as 10m (the default)", at, time.Duration(r.Terraform.Timeout))
	}
	if r.Terraform.LockTimeout < 0 {
		add("%s.remediation.terraform.lock_timeout: %s is negative: use a duration such as 60s (the default)", at, time.Duration(r.Terraform.LockTimeout))
	}
	keys := make([]string, 0, len(r.Terraform.Vars))
	for k := range r.Terraform.Vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if v := r.Terraform.Vars[k]; !slices.Contains(DesiredValues, v) {
			add("%s.remediation.terraform.vars.%s: %q is not a desired value: use one of %s, or - to pass nothing", at, k, v, strings.Join(DesiredValues, ", "))
		}
	}
	types := make([]string, 0, len(r.Terraform.Attributes))
	for k := range r.Terraform.Attributes {
		types = append(types, k)
	}
	sort.Strings(types)
	for _, k := range types {
		for j, a := range r.Terraform.Attributes[k] {
			if a == "" || strings.Contains(a, "[") {
				add("%s.remediation.terraform.attributes.%s[%d]: %q is not an attribute: use its name, or a dotted path without indexes such as spec.template.spec.container.env", at, k, j, a)
			}
		}
	}
	validateTerraformEnv(r.Terraform.Env, at, add)
	for j, g := range r.Terraform.Allow {
		if _, err := path.Match(g, ""); err != nil || g == "" {
			add("%s.remediation.terraform.allow[%d]: %q is not a valid address glob", at, j, g)
		}
	}
}

// warnings are what a command would refuse in a config that is otherwise
// valid, each naming the command.
func (c *Config) warnings() []string {
	var w []string
	if c.Server.Token.IsZero() {
		w = append(w, "server.token: required for serve: the /v1 API takes a bearer token (e.g. ${DRIFTD_TOKEN})")
	}
	return w
}

// checkURL returns what is wrong with an absolute URL, or "". Plain http is
// accepted only for loopback hosts (local simulators and tests); a path is
// accepted only where allowPath is set.
func checkURL(raw string, allowPath bool) string {
	return checkURLWith(raw, allowPath, checks.IsLoopbackHost, "loopback hosts only")
}

// checkURLWith is checkURL with plain http accepted for the hosts httpOK
// admits, which httpRule names in the message.
func checkURLWith(raw string, allowPath bool, httpOK func(host string) bool, httpRule string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return fmt.Sprintf("%q is not an absolute URL", raw)
	}
	if u.User != nil {
		// Credentials written into the URL (user:password, or a token
		// as the user) are secrets: show the URL with them masked.
		masked := *u
		masked.User = url.User("xxxxx")
		raw = masked.String()
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !httpOK(u.Hostname()) {
			return fmt.Sprintf("%q uses plain http: use https (http is accepted for %s)", raw, httpRule)
		}
	default:
		return fmt.Sprintf("%q must be an https URL", raw)
	}
	if u.User != nil {
		return fmt.Sprintf("%q must not contain credentials", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Sprintf("%q must not have a query or fragment", raw)
	}
	if !allowPath && strings.Trim(u.Path, "/") != "" {
		return fmt.Sprintf("%q must not have a path: use %s://%s", raw, u.Scheme, u.Host)
	}
	return ""
}
