package config

import (
	"fmt"
	"time"

	"github.com/driftd/driftd/checks"
	"gopkg.in/yaml.v3"
)

// Config is driftd's configuration file. Load fills defaults and validates
// it in one place; `driftd validate` runs exactly that code.
type Config struct {
	// Schedule is a robfig/cron spec ("@every 5m") or a 5-field cron line.
	Schedule string `yaml:"schedule"`
	// StateDir holds the embedded store and saved plans.
	StateDir string `yaml:"state_dir"`
	// Concurrency bounds how many targets are observed at once.
	Concurrency int `yaml:"concurrency"`
	// Retention is how many runs the store keeps in its history.
	Retention int          `yaml:"retention"`
	Okta      OktaConfig   `yaml:"okta"`
	Slack     *SlackConfig `yaml:"slack"`
	// Alertmanager, when set, also sends alerts to an Alertmanager.
	Alertmanager *AlertmanagerConfig `yaml:"alertmanager"`
	Server       ServerConfig        `yaml:"server"`
	Targets      []Target            `yaml:"targets"`

	// OutageAlertAfter is how long a target may stay unreadable (status
	// error: Okta down or rate limiting, a file missing) before one alert
	// says so; its end is alerted too. Silence is not "ok".
	OutageAlertAfter Duration `yaml:"outage_alert_after"`
	// Kubernetes configures the kubernetes env source's watch (events.go).
	Kubernetes KubernetesConfig `yaml:"kubernetes"`

	// Path is the file the config was read from.
	Path string `yaml:"-"`
	// Warnings are what some command would refuse although the config
	// is valid (e.g. "server.token: required for serve"); validate shows them.
	Warnings []string `yaml:"-"`
}

// DefaultRateLimitReserve is the share of each Okta org's rate limit
// driftd leaves to the org's other integrations unless told otherwise.
const DefaultRateLimitReserve = 0.2

// OktaConfig is the Okta org driftd reads.
type OktaConfig struct {
	OrgURL   string `yaml:"org_url"`
	APIToken Secret `yaml:"api_token"`
	// OAuth authenticates as an OAuth 2.0 service app instead (okta.go).
	OAuth *OAuthConfig `yaml:"oauth"`
	// RateLimitReserve is the share (0-1) of the org's rate limit that driftd
	// leaves to the org's other integrations (DefaultRateLimitReserve when
	// unset; an explicit 0 takes the whole limit).
	RateLimitReserve float64 `yaml:"rate_limit_reserve"`
	// AdminURL is the Okta admin console for an org on a custom domain,
	// which has no -admin twin host; alerts link to it when set.
	AdminURL string `yaml:"admin_url"`
	// Events and EventHook turn Okta changes into runs (events.go).
	Events    EventsConfig    `yaml:"events"`
	EventHook EventHookConfig `yaml:"event_hook"`
}

// SlackConfig is where alerts go; without it they go to the log.
type SlackConfig struct {
	BotToken      Secret `yaml:"bot_token"`
	WebhookURL    Secret `yaml:"webhook_url"`
	Channel       string `yaml:"channel"`
	APIURL        string `yaml:"api_url"`
	SigningSecret Secret `yaml:"signing_secret"`
	// Approvers are the Slack user ids (U… or W…) whose "Apply fix"
	// click applies a plan; display names are not unique and not checked.
	Approvers      []string `yaml:"approvers"`
	RepeatInterval Duration `yaml:"repeat_interval"`
}

// ServerConfig is the HTTP API of `driftd serve`.
type ServerConfig struct {
	Listen string `yaml:"listen"`
	Token  Secret `yaml:"token"`
	// UI serves the status page at / behind the same token (default on);
	// `ui: false` leaves only the JSON API.
	UI *bool `yaml:"ui"`
}

// UIEnabled says whether the status page is served.
func (s ServerConfig) UIEnabled() bool { return s.UI == nil || *s.UI }

// Target is one W&B deployment and its Okta app.
type Target struct {
	Name     string      `yaml:"name"`
	Schedule string      `yaml:"schedule"`
	Wandb    WandbConfig `yaml:"wandb"`
	Okta     TargetOkta  `yaml:"okta"`
	OIDC     OIDCConfig  `yaml:"oidc"`
	Remedy   Remediation `yaml:"remediation"`
	Lists    `yaml:",inline"`
	Strict   bool     `yaml:"strict"`
	Ignore   []string `yaml:"ignore"`
	// Slack sends this target's alerts to a channel of its own (slack_target.go).
	Slack *TargetSlack `yaml:"slack"`

	// derivedLists is set when the lists came from wandb.url, so a bad URL
	// is reported once, at wandb.url, not again in every derived list.
	derivedLists bool
}

// Lists are the per-target overrides of the derived defaults.
type Lists struct {
	RedirectURIs           []string `yaml:"redirect_uris"`
	PostLogoutRedirectURIs []string `yaml:"post_logout_redirect_uris"`
	GrantTypes             []string `yaml:"grant_types"`
	CORSOrigins            []string `yaml:"cors_origins"`
}

// WandbConfig locates the W&B deployment.
type WandbConfig struct {
	URL string    `yaml:"url"`
	Env EnvSource `yaml:"env"`
}

// EnvSource says where the W&B deployment's environment is read from.
type EnvSource struct {
	Source  string `yaml:"source"`
	Path    string `yaml:"path"`
	Dir     string `yaml:"dir"`
	Output  string `yaml:"output"`
	Address string `yaml:"address"`
	// Source kubernetes (contract section 8; see kubernetes.go).
	Kubeconfig       string `yaml:"kubeconfig"`
	Context          string `yaml:"context"`
	Namespace        string `yaml:"namespace"`
	Deployment       string `yaml:"deployment"`
	WeightsAndBiases string `yaml:"weightsandbiases"`
	Container        string `yaml:"container"`
}

// TargetOkta names the target's Okta app.
type TargetOkta struct {
	AppID string `yaml:"app_id"`
	// Groups, OrgURL, APIToken and OAuth: see okta.go.
	Groups   []string     `yaml:"groups"`
	OrgURL   string       `yaml:"org_url"`
	APIToken Secret       `yaml:"api_token"`
	OAuth    *OAuthConfig `yaml:"oauth"`
}

// OIDCConfig is the declared OIDC wiring.
type OIDCConfig struct {
	ClientID   string `yaml:"client_id"`
	Issuer     string `yaml:"issuer"`
	AuthMethod string `yaml:"auth_method"`
}

// Remediation says what driftd does about drift.
type Remediation struct {
	Mode      string          `yaml:"mode"`
	Terraform TerraformConfig `yaml:"terraform"`
}

// TerraformConfig is the Terraform working directory that owns the target.
type TerraformConfig struct {
	Dir         string            `yaml:"dir"`
	Vars        map[string]string `yaml:"vars"`
	Allow       []string          `yaml:"allow"`
	LockTimeout Duration          `yaml:"lock_timeout"`
	// Attributes are, per resource type, the attributes a plan may change;
	// a type listed here replaces that type's default list
	// (DefaultAttributes), the other types keep theirs.
	Attributes map[string][]string `yaml:"attributes"`
	// Timeout bounds each plan and apply (init and show: at most 2m).
	Timeout Duration `yaml:"timeout"`
	// Env is given to Terraform beside PATH, HOME, TMPDIR, the proxy and
	// TF_* variables, and nothing else of driftd's environment: the
	// providers' own (write) credential. Values are secrets.
	Env map[string]Secret `yaml:"env"`
}

// RevealEnv is Env as Terraform gets it.
func (c TerraformConfig) RevealEnv() map[string]string {
	out := make(map[string]string, len(c.Env))
	for k, v := range c.Env {
		out[k] = v.Reveal()
	}
	return out
}

// Remediation modes.
const (
	ModeAlert   = "alert"
	ModePlan    = "plan"
	ModeApply   = "apply"
	ModeApprove = "approve"
)

// Duration is a time.Duration written as "4h" or "90s" in YAML.
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("%q is not a duration such as 90s or 4h", n.Value)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration as a string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// DesiredValues are the names a remediation.terraform.vars entry may map a
// Terraform variable to.
var DesiredValues = []string{
	"oidc.client_id", "oidc.issuer", "oidc.auth_method", "cors_origins",
	"redirect_uris", "post_logout_redirect_uris", "grant_types", "wandb.url",
	checks.ValueGroups, checks.ValueTrustedOrigin, checks.ValueAuthServerID, checks.ValueAuthServerPolicyID,
	checks.ValueIssuerMode,
}

// DefaultTerraformVars maps W&B's module variable names to desired values.
var DefaultTerraformVars = map[string]string{
	"oidc_client_id":            "oidc.client_id",
	"oidc_issuer":               "oidc.issuer",
	"oidc_auth_method":          "oidc.auth_method",
	"cors_origins":              "cors_origins",
	"redirect_uris":             "redirect_uris",
	"post_logout_redirect_uris": "post_logout_redirect_uris",
	"grant_types":               "grant_types",
	// Assigning a group is idempotent in Okta, so a module that declares
	// the variable may always be given it. The trusted origin and the
	// policy rule are not mapped by default: a module that creates them
	// must own them (Okta refuses a second trusted origin for an origin an
	// admin already added), so they are mapped explicitly after an import.
	"groups": checks.ValueGroups,
	// The mode the desired issuer needs, or the app's own when it already
	// yields it (checks.DesiredIssuerMode): a plan changes issuer_mode only
	// to fix okta.issuer_mode.
	"issuer_mode": checks.ValueIssuerMode,
}

// DefaultAttributes are the attributes a remediation plan may change, per
// resource type (contract section 7): the SSO wiring of the Okta app and the
// env-carrying attribute of each resource that holds W&B's environment. A
// nested attribute is written as a dotted path without list indexes.
var DefaultAttributes = map[string][]string{
	"okta_app_oauth": {"redirect_uris", "post_logout_redirect_uris", "grant_types", "response_types",
		"token_endpoint_auth_method", "pkce_required", "status", "issuer_mode"},
	"kubernetes_config_map":    {"data"},
	"kubernetes_config_map_v1": {"data"},
	"kubernetes_deployment":    {"spec.template.spec.container.env"},
	"kubernetes_deployment_v1": {"spec.template.spec.container.env"},
	"helm_release":             {"values", "set"},
	"kubernetes_manifest":      {"manifest"},
	// The Secret the W&B operator v2's spec.wandb.oidc names
	// (deploy/terraform/operator with operator_api = "v2").
	"kubernetes_secret_v1_data": {"data"},
	// Section 9's resources, named as in okta/terraform-provider-okta
	// okta/services/idaas/resource_okta_{app_group_assignments,trusted_origin,
	// auth_server_policy,auth_server_policy_rule}.go.
	"okta_app_group_assignments":   {"group"},
	"okta_trusted_origin":          {"active", "scopes"},
	"okta_auth_server_policy":      {"status", "client_whitelist"},
	"okta_auth_server_policy_rule": {"status", "grant_type_whitelist", "scope_whitelist"},
}

// noVar, as a remediation.terraform.vars value, drops a default mapping.
const noVar = "-"

// Okta's grant types for OIDC apps.
var knownGrantTypes = []string{
	"authorization_code", "implicit", "refresh_token", "password", "client_credentials",
	"urn:ietf:params:oauth:grant-type:device_code", "urn:ietf:params:oauth:grant-type:token-exchange",
	"urn:ietf:params:oauth:grant-type:saml2-bearer", "urn:ietf:params:oauth:grant-type:jwt-bearer",
	"interaction_code",
}

// DefaultSchedule is used when the config sets none.
const DefaultSchedule = "@every 5m"
