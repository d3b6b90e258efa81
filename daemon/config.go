package daemon

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"gopkg.in/yaml.v3"

	"github.com/driftd/driftd/checks"
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
	Server    ServerConfig `yaml:"server"`
	Targets   []Target     `yaml:"targets"`

	// Path is the file the config was read from.
	Path string `yaml:"-"`
}

// OktaConfig is the Okta org driftd reads.
type OktaConfig struct {
	OrgURL   string `yaml:"org_url"`
	APIToken Secret `yaml:"api_token"`
	// RateLimitReserve is the share (0-1) of the org's rate limit that driftd
	// leaves to the org's other integrations.
	RateLimitReserve float64 `yaml:"rate_limit_reserve"`
}

// SlackConfig is where alerts go; without it they go to the log.
type SlackConfig struct {
	BotToken       Secret   `yaml:"bot_token"`
	WebhookURL     Secret   `yaml:"webhook_url"`
	Channel        string   `yaml:"channel"`
	APIURL         string   `yaml:"api_url"`
	SigningSecret  Secret   `yaml:"signing_secret"`
	Approvers      []string `yaml:"approvers"`
	RepeatInterval Duration `yaml:"repeat_interval"`
}

// ServerConfig is the HTTP API of `driftd serve`.
type ServerConfig struct {
	Listen string `yaml:"listen"`
	Token  Secret `yaml:"token"`
}

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
}

// TargetOkta names the target's Okta app.
type TargetOkta struct {
	AppID string `yaml:"app_id"`
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

// ConfigError lists every problem found in a config file, each starting with
// the key path it is about.
type ConfigError struct {
	Path     string
	Problems []string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("invalid config %s:\n  - %s", e.Path, strings.Join(e.Problems, "\n  - "))
}

// LoadConfig reads, expands, defaults and validates a config file.
func LoadConfig(file string) (*Config, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	return ParseConfig(data, file, os.LookupEnv)
}

// ParseConfig parses config bytes; file names the source in errors and
// anchors relative paths; lookup resolves ${VAR}.
func ParseConfig(data []byte, file string, lookup func(string) (string, bool)) (*Config, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &ConfigError{Path: file, Problems: []string{"not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}}
	}
	if len(doc.Content) == 0 {
		return nil, &ConfigError{Path: file, Problems: []string{"the file is empty"}}
	}
	root := doc.Content[0]
	var problems []string
	secretPaths := map[string]bool{}
	walkKeys(root, reflect.TypeOf(Config{}), "", &problems, secretPaths)
	var secrets []string
	expandEnv(root, "", lookup, &problems, secretPaths, &secrets)
	// Any message may quote a value (a type error, a bad URL); a secret put
	// where a value is quoted must still never be shown.
	fail := func(p []string) error { return &ConfigError{Path: file, Problems: scrub(p, secrets)} }
	if len(problems) > 0 {
		return nil, fail(problems)
	}
	var c Config
	if err := root.Decode(&c); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			return nil, fail(te.Errors)
		}
		return nil, fail([]string{err.Error()})
	}
	c.Path = file
	c.applyDefaults()
	if p := c.validate(); len(p) > 0 {
		return nil, fail(p)
	}
	return &c, nil
}

// scrub replaces every secret value in the messages with "[redacted]",
// including the shortened `value...` that YAML type errors quote.
func scrub(problems, secrets []string) []string {
	out := make([]string, len(problems))
	for i, p := range problems {
		for _, sec := range secrets {
			if sec != "" {
				p = strings.ReplaceAll(p, sec, redacted)
			}
		}
		out[i] = quoted.ReplaceAllStringFunc(p, func(q string) string {
			head := strings.TrimSuffix(q[1:len(q)-1], "...")
			for _, sec := range secrets {
				if head != "" && strings.HasPrefix(sec, head) {
					return "`" + redacted + "`"
				}
			}
			return q
		})
	}
	return out
}

var quoted = regexp.MustCompile("`[^`]*`")

// walkKeys rejects unknown keys and wrong shapes, naming the key path.
// It also notes the paths that hold secrets, so their values can be kept
// out of every message.
func walkKeys(n *yaml.Node, t reflect.Type, at string, problems *[]string, secretPaths map[string]bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch {
	case t == reflect.TypeOf(Secret{}) || t == reflect.TypeOf(Duration(0)):
		if t == reflect.TypeOf(Secret{}) {
			secretPaths[at] = true
		}
		if n.Kind != yaml.ScalarNode {
			*problems = append(*problems, fmt.Sprintf("%s: expected a single value", at))
		}
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			if !(n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
				*problems = append(*problems, fmt.Sprintf("%s: expected a mapping of keys", orRoot(at)))
			}
			return
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			ft, ok := fields[key]
			if !ok {
				*problems = append(*problems, fmt.Sprintf("%s: unknown key%s", join(at, key), suggest(key, fields)))
				continue
			}
			walkKeys(n.Content[i+1], ft, join(at, key), problems, secretPaths)
		}
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			if !(n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
				*problems = append(*problems, fmt.Sprintf("%s: expected a list", at))
			}
			return
		}
		for i, c := range n.Content {
			walkKeys(c, t.Elem(), fmt.Sprintf("%s[%d]", at, i), problems, secretPaths)
		}
	case t.Kind() == reflect.Map:
		if n.Kind != yaml.MappingNode {
			*problems = append(*problems, fmt.Sprintf("%s: expected a mapping of keys", at))
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			walkKeys(n.Content[i+1], t.Elem(), join(at, n.Content[i].Value), problems, secretPaths)
		}
	default:
		if n.Kind != yaml.ScalarNode {
			*problems = append(*problems, fmt.Sprintf("%s: expected a single value", at))
		}
	}
}

func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if opts == "inline" {
			for k, v := range yamlFields(f.Type) {
				out[k] = v
			}
			continue
		}
		out[name] = f.Type
	}
	return out
}

func suggest(key string, fields map[string]reflect.Type) string {
	best, bestD := "", 3
	for k := range fields {
		if d := editDistance(key, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		names := make([]string, 0, len(fields))
		for k := range fields {
			names = append(names, k)
		}
		sort.Strings(names)
		return " (known keys: " + strings.Join(names, ", ") + ")"
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

var envRef = regexp.MustCompile(`\$\{([^}]*)\}`)

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// expandEnv replaces ${VAR} in scalar values (never in keys) from lookup.
// It collects the values of secret paths, expanded or literal, in secrets.
func expandEnv(n *yaml.Node, at string, lookup func(string) (string, bool), problems *[]string, secretPaths map[string]bool, secrets *[]string) {
	switch n.Kind {
	case yaml.ScalarNode:
		if secretPaths[at] {
			defer func() { *secrets = append(*secrets, n.Value) }()
		}
		if !strings.Contains(n.Value, "${") {
			return
		}
		n.Value = envRef.ReplaceAllStringFunc(n.Value, func(m string) string {
			name := m[2 : len(m)-1]
			if !envName.MatchString(name) {
				*problems = append(*problems, fmt.Sprintf("%s: %q is not a valid environment variable reference", at, m))
				return m
			}
			v, ok := lookup(name)
			if !ok {
				*problems = append(*problems, fmt.Sprintf("%s: environment variable %s is not set", at, name))
				return ""
			}
			return v
		})
		// An expanded value is a string even if it looks like a number.
		if n.Tag == "" || n.Tag == "!!int" || n.Tag == "!!float" || n.Tag == "!!bool" || n.Tag == "!!null" {
			n.Tag = "!!str"
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			expandEnv(n.Content[i+1], join(at, n.Content[i].Value), lookup, problems, secretPaths, secrets)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			expandEnv(c, fmt.Sprintf("%s[%d]", at, i), lookup, problems, secretPaths, secrets)
		}
	}
}

func join(at, key string) string {
	if at == "" {
		return key
	}
	return at + "." + key
}

func orRoot(at string) string {
	if at == "" {
		return "(top level)"
	}
	return at
}

// DefaultSchedule is used when the config sets none.
const DefaultSchedule = "@every 5m"

func (c *Config) applyDefaults() {
	if c.Schedule == "" {
		c.Schedule = DefaultSchedule
	}
	if c.StateDir == "" {
		c.StateDir = "./driftd-data"
	}
	c.StateDir = c.resolve(c.StateDir)
	if c.Concurrency == 0 {
		c.Concurrency = 16
	}
	if c.Retention == 0 {
		c.Retention = 1000
	}
	c.Okta.OrgURL = strings.TrimRight(strings.TrimSpace(c.Okta.OrgURL), "/")
	if c.Server.Listen == "" {
		c.Server.Listen = "127.0.0.1:8080"
	}
	if c.Slack != nil && c.Slack.RepeatInterval == 0 {
		c.Slack.RepeatInterval = Duration(4 * time.Hour)
	}
	for i := range c.Targets {
		t := &c.Targets[i]
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
	}
}

// resolve anchors a relative path at the config file's directory, so a
// config works the same whatever directory driftd is started from.
func (c *Config) resolve(p string) string {
	if p == "" || filepath.IsAbs(p) || c.Path == "" {
		return p
	}
	return filepath.Join(filepath.Dir(c.Path), p)
}

var targetName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,62}$`)

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
	if c.Concurrency < 1 || c.Concurrency > 1024 {
		add("concurrency: %d is out of range: use 1 to 1024", c.Concurrency)
	}
	if c.Okta.OrgURL == "" {
		add("okta.org_url: required, e.g. https://acme.okta.com")
	} else if msg := checkURL(c.Okta.OrgURL, false); msg != "" {
		add("okta.org_url: %s", msg)
	} else if checks.IsOktaAdminHost(c.Okta.OrgURL) {
		add("okta.org_url: %s is the Okta admin console: use the org URL without -admin (%s)", c.Okta.OrgURL, strings.Replace(c.Okta.OrgURL, "-admin.", ".", 1))
	}
	if c.Okta.APIToken.IsZero() {
		add("okta.api_token: required: an Okta API token (e.g. ${OKTA_API_TOKEN})")
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
	switch {
	case t.Name == "":
		add("%s.name: required", at)
	case !targetName.MatchString(t.Name):
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
		add("%s.wandb.env.source: required: file or terraform", at)
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
	default:
		add("%s.wandb.env.source: %q is not a source: use file or terraform", at, env.Source)
	}
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
	for j, id := range t.Ignore {
		if !checks.KnownID(id) {
			add("%s.ignore[%d]: %q is not a check id: use one of %s", at, j, id, strings.Join(checks.IDs, ", "))
		}
	}
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
	for j, g := range r.Terraform.Allow {
		if _, err := path.Match(g, ""); err != nil || g == "" {
			add("%s.remediation.terraform.allow[%d]: %q is not a valid address glob", at, j, g)
		}
	}
}

// checkURL returns what is wrong with an absolute URL, or "". Plain http is
// accepted only for loopback hosts (local simulators and tests); a path is
// accepted only where allowPath is set.
func checkURL(raw string, allowPath bool) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return fmt.Sprintf("%q is not an absolute URL", raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !checks.IsLoopbackHost(u.Hostname()) {
			return fmt.Sprintf("%q uses plain http: use https (http is accepted for loopback hosts only)", raw)
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

// Desired turns a validated target into the checks' desired state.
func (t *Target) Desired() *checks.Desired {
	return &checks.Desired{
		Target:                 t.Name,
		WandbURL:               strings.TrimRight(t.Wandb.URL, "/"),
		OktaAppID:              t.Okta.AppID,
		ClientID:               t.OIDC.ClientID,
		Issuer:                 t.OIDC.Issuer,
		AuthMethod:             checks.AuthMethod(t.OIDC.AuthMethod),
		RedirectURIs:           t.RedirectURIs,
		PostLogoutRedirectURIs: t.PostLogoutRedirectURIs,
		GrantTypes:             t.GrantTypes,
		CORSOrigins:            t.CORSOrigins,
		Strict:                 t.Strict,
		Ignore:                 t.Ignore,
	}
}

// Target returns the named target.
func (c *Config) Target(name string) (*Target, bool) {
	for i := range c.Targets {
		if c.Targets[i].Name == name {
			return &c.Targets[i], true
		}
	}
	return nil, false
}
