package terraform

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/report"
)

// envWrite is one key of W&B's environment that a plan adds, changes or
// removes, inside the env-carrying attribute of a resource: a key of a
// ConfigMap's data, an env entry of a Deployment's container, a helm_release
// set entry. Before and After are nil when the key is absent.
type envWrite struct {
	Address, Attr, Key string
	Before, After      *string
	// Secret is "namespace/name" for a write of a Secret's data, whose
	// keys are not env names: the observation's SecretKeys says which
	// variable each one feeds.
	Secret string
}

// where names the attribute and key for people: data.MYSQL of
// kubernetes_config_map.wandb_env.
func (w envWrite) where() string {
	return fmt.Sprintf("%s[%s] of %s", w.Attr, w.Key, w.Address)
}

// envWrites lists the env keys each update in the plan writes. Only the
// resource types whose env-carrying attribute is a map or a list of
// name/value entries are read key by key (config.DefaultAttributes names
// them); the others are judged by the attribute guardrail alone.
func envWrites(p *tfjson.Plan) []envWrite {
	var out []envWrite
	if p == nil {
		return out
	}
	for _, rc := range p.ResourceChanges {
		if rc.Change == nil || !rc.Change.Actions.Update() {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		var b, a map[string]map[string]*string
		secret := ""
		switch rc.Type {
		case "kubernetes_config_map", "kubernetes_config_map_v1":
			b, a = dataKeys(before), dataKeys(after)
		case "kubernetes_secret_v1_data", "kubernetes_secret_v1", "kubernetes_secret":
			b, a, secret = dataKeys(before), dataKeys(after), metadataName(after)
		case "kubernetes_deployment", "kubernetes_deployment_v1":
			b, a = containerEnv(before), containerEnv(after)
		case "helm_release":
			b, a = setEntries(before), setEntries(after)
		default:
			continue
		}
		for _, w := range diffKeys(rc.Address, b, a) {
			w.Secret = secret
			out = append(out, w)
		}
	}
	return out
}

// metadataName is "namespace/name" of a kubernetes provider resource's
// metadata block (the provider's default namespace is "default").
func metadataName(v map[string]any) string {
	for _, m := range blockList(v["metadata"]) {
		name, _ := m["name"].(string)
		ns, _ := m["namespace"].(string)
		if ns == "" {
			ns = "default"
		}
		return ns + "/" + name
	}
	return "?"
}

// diffKeys compares attribute -> key -> value maps.
func diffKeys(address string, before, after map[string]map[string]*string) []envWrite {
	var out []envWrite
	attrs := map[string]bool{}
	for k := range before {
		attrs[k] = true
	}
	for k := range after {
		attrs[k] = true
	}
	for attr := range attrs {
		keys := map[string]bool{}
		for k := range before[attr] {
			keys[k] = true
		}
		for k := range after[attr] {
			keys[k] = true
		}
		for k := range keys {
			bv, inBefore := before[attr][k]
			av, inAfter := after[attr][k]
			if inBefore == inAfter && equalPtr(bv, av) {
				continue
			}
			out = append(out, envWrite{Address: address, Attr: attr, Key: k, Before: bv, After: av})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Attr != out[j].Attr {
			return out[i].Attr < out[j].Attr
		}
		return out[i].Key < out[j].Key
	})
	return out
}

func equalPtr(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// dataKeys reads a ConfigMap's data.
func dataKeys(v map[string]any) map[string]map[string]*string {
	out := map[string]map[string]*string{"data": {}}
	m, _ := v["data"].(map[string]any)
	for k, val := range m {
		out["data"][k] = text(val)
	}
	return out
}

// containerEnv reads the env entries of each container of a Deployment
// (spec.template.spec.container[].env[] in the kubernetes provider's
// schema): an entry's value is its value, or its value_from as JSON.
func containerEnv(v map[string]any) map[string]map[string]*string {
	out := map[string]map[string]*string{}
	for _, spec := range blockList(v["spec"]) {
		for _, tpl := range blockList(spec["template"]) {
			for _, pod := range blockList(tpl["spec"]) {
				for i, c := range blockList(pod["container"]) {
					name, _ := c["name"].(string)
					if name == "" {
						name = fmt.Sprint(i)
					}
					attr := "container[" + name + "].env"
					out[attr] = namedEntries(blockList(c["env"]))
				}
			}
		}
	}
	return out
}

// setEntries reads a helm_release's set blocks (name, value).
func setEntries(v map[string]any) map[string]map[string]*string {
	return map[string]map[string]*string{"set": namedEntries(blockList(v["set"]))}
}

// namedEntries reads a list of {name, value[, value_from]} objects.
func namedEntries(l []map[string]any) map[string]*string {
	out := map[string]*string{}
	for _, e := range l {
		name, _ := e["name"].(string)
		if name == "" {
			continue
		}
		val := text(e["value"])
		if vf := blockList(e["value_from"]); len(vf) > 0 {
			b, _ := json.Marshal(vf)
			s := "valueFrom:" + string(b)
			val = &s
		}
		out[name] = val
	}
	return out
}

func blockList(v any) []map[string]any {
	l, _ := v.([]any)
	var out []map[string]any
	for _, e := range l {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// text is a value as the string W&B reads, or nil when it is null.
func text(v any) *string {
	if v == nil {
		return nil
	}
	var s string
	switch x := v.(type) {
	case string:
		s = x
	default:
		b, _ := json.Marshal(x)
		s = string(b)
	}
	return &s
}

// envKeysOf are the W&B env keys each check reads, and so the keys a fix
// for its finding may write (contract section 1).
var envKeysOf = map[string][]string{
	checks.IDWandbClientID:    {checks.EnvClientID, checks.EnvGorillaClientID},
	checks.IDWandbIssuer:      {checks.EnvIssuer, checks.EnvGorillaIssuer},
	checks.IDWandbAuthMethod:  {checks.EnvAuthMethod, checks.EnvGorillaAuthMethod},
	checks.IDWandbCORSOrigins: {checks.EnvCORSOrigins},
	checks.IDWandbSSOEnabled:  {checks.EnvLocalRestore},
}

// CheckedEnvKey says whether driftd checks an env key; the values of every
// other key are masked in plan summaries, whatever the key's name
// (MYSQL=mysql://user:password@host holds a password without saying so).
func CheckedEnvKey(key string) bool {
	for _, keys := range envKeysOf {
		for _, k := range keys {
			if k == key {
				return true
			}
		}
	}
	return false
}

// askedKeys are the env keys the target's drift findings ask a fix to write.
func askedKeys(findings []checks.Finding) map[string]bool {
	out := map[string]bool{}
	for _, f := range findings {
		if f.Severity != checks.SeverityError {
			continue
		}
		for _, k := range envKeysOf[f.Check] {
			out[k] = true
		}
	}
	return out
}

// EnvGuardrails refuses a plan that writes an env key no finding asked for
// (a fix of the CORS origins must not revert an out-of-band password
// rotation in the same ConfigMap), or that sets a key Okta decides to
// another value than Okta's (contract section 11). A refusal names the key,
// never its value unless Okta decides it.
func (sp *SavedPlan) EnvGuardrails(res *report.TargetResult) []string {
	var out []string
	if sp == nil || sp.plan == nil {
		return out
	}
	asked := askedKeys(res.Findings)
	decided := decidedEnv(res.Observed)
	for _, w := range envWrites(sp.plan) {
		keys := []string{w.Key}
		if w.Secret != "" {
			keys = secretKeyEnv(res.Observed, w.Secret+"/"+w.Key)
		}
		if r := judgeWrite(w, keys, asked, decided); r != "" {
			out = append(out, r)
		}
	}
	return out
}

// judgeWrite refuses one write of the env keys keys, or says nothing. A
// Secret key that feeds no checked variable (keys empty) is never asked for.
func judgeWrite(w envWrite, keys []string, asked map[string]bool, decided map[string]string) string {
	for _, k := range keys {
		if want, ok := decided[k]; ok && w.After != nil && *w.After != want {
			return fmt.Sprintf("contradiction: the plan would set %s to %s, but Okta says %s; driftd never writes a value Okta contradicts",
				w.where(), *w.After, want)
		}
	}
	for _, k := range keys {
		if asked[k] {
			return ""
		}
	}
	return fmt.Sprintf("keys: the plan would change %s, which no finding asked for (they ask for %s); "+
		"a fix never reverts a change made outside driftd", w.where(), orNone(asked))
}

// secretKeyEnv are the variables the observation says the Secret key
// ("namespace/name/key") is the place to fix.
func secretKeyEnv(obs *checks.Observed, key string) []string {
	var out []string
	if obs == nil || obs.Env == nil {
		return out
	}
	for env, k := range obs.Env.SecretKeys {
		if k == key {
			out = append(out, env)
		}
	}
	sort.Strings(out)
	return out
}

func orNone(keys map[string]bool) string {
	if len(keys) == 0 {
		return "no env key"
	}
	l := make([]string, 0, len(keys))
	for k := range keys {
		l = append(l, k)
	}
	sort.Strings(l)
	return strings.Join(l, ", ")
}
