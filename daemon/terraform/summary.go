package terraform

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
	"gopkg.in/yaml.v3"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
)

// Values shown instead of what they stand for.
const (
	maskedValue  = "(sensitive value)"
	unknownValue = "(known after apply)"
)

// summarize turns a plan into what a reviewer reads: each changed resource,
// its action and the attributes that change. Inside maps and blocks only
// the entries that change are listed (a map of env values shows the one key
// that changes, not its neighbours); sensitive values and the values of
// secret-looking keys (DB_PASSWORD, an env entry named API_TOKEN) are masked.
func summarize(p *tfjson.Plan) *report.PlanSummary {
	s := &report.PlanSummary{Changes: []report.ResourceChange{}}
	for _, rc := range p.ResourceChanges {
		if rc.Change == nil || rc.Change.Actions.NoOp() || rc.Change.Actions.Read() {
			continue
		}
		c := report.ResourceChange{Address: rc.Address, Type: rc.Type, Action: actionName(rc.Change.Actions)}
		d := differ{helm: rc.Type == "helm_release"}
		d.diff("", node{rc.Change.Before, rc.Change.BeforeSensitive}, node{rc.Change.After, rc.Change.AfterSensitive}, rc.Change.AfterUnknown, false)
		c.Attributes = d.out
		s.Changes = append(s.Changes, c)
	}
	return s
}

// node is a value and the matching part of Terraform's sensitivity tree
// (true, or a map/list of the same shape as the value).
type node struct {
	v         any
	sensitive any
}

func (n node) isSensitive() bool { b, _ := n.sensitive.(bool); return b }

func (n node) child(key any) node {
	var v, s any
	switch k := key.(type) {
	case string:
		m, _ := n.v.(map[string]any)
		v = m[k]
		if sm, ok := n.sensitive.(map[string]any); ok {
			s = sm[k]
		}
	case int:
		if l, ok := n.v.([]any); ok && k < len(l) {
			v = l[k]
		}
		if sl, ok := n.sensitive.([]any); ok && k < len(sl) {
			s = sl[k]
		}
	}
	if n.isSensitive() {
		s = true
	}
	return node{v, s}
}

// differ collects the changed leaves of one resource; helm says it is a
// helm_release, whose values are YAML documents.
type differ struct {
	out  []report.AttributeChange
	helm bool
}

// diff records what changes between before and after at path. It descends
// into objects and into lists of blocks of the same length; anything else
// that changes is one entry. secret says the value at path belongs to a
// secret-looking key.
func (d *differ) diff(path string, before, after node, unknown any, secret bool) {
	if u, _ := unknown.(bool); u {
		d.add(path, before, node{}, secret, true)
		return
	}
	if equalJSON(before.v, after.v) && !hasUnknown(unknown) {
		return
	}
	if before.isSensitive() || after.isSensitive() {
		// Terraform masks the whole value, keys included.
		d.add(path, before, after, true, false)
		return
	}
	bm, bIsMap := before.v.(map[string]any)
	am, aIsMap := after.v.(map[string]any)
	if (bIsMap || before.v == nil) && (aIsMap || after.v == nil) && (bIsMap || aIsMap) {
		um, _ := unknown.(map[string]any)
		for _, k := range unionKeys(bm, am, um) {
			hidden := secret || hiddenKey(path, k) || (k == "value" && (namedSecret(bm) || namedSecret(am)))
			d.diff(join(path, k), before.child(k), after.child(k), um[k], hidden)
		}
		return
	}
	bl, bIsList := before.v.([]any)
	al, aIsList := after.v.([]any)
	if bIsList && aIsList && len(bl) == len(al) && blocks(bl) && blocks(al) {
		ul, _ := unknown.([]any)
		for i := range bl {
			var u any
			if i < len(ul) {
				u = ul[i]
			}
			d.diff(fmt.Sprintf("%s[%d]", path, i), before.child(i), after.child(i), u, secret)
		}
		return
	}
	d.add(path, before, after, secret, false)
}

func (d *differ) add(path string, before, after node, secret, unknown bool) {
	a := report.AttributeChange{Name: path, Before: show(before, path, secret), After: show(after, path, secret)}
	if d.helm && (path == "values" || strings.HasPrefix(path, "values[")) && !secret {
		a.Before, a.After = showValues(before), showValues(after)
	}
	if unknown {
		a.After, a.Computed = unknownValue, true
	}
	d.out = append(d.out, a)
}

// namedSecret says whether an object is a name/value pair whose value is
// not shown: a Kubernetes env entry or a helm_release set block whose name
// looks secret or is not an env key driftd checks (MYSQL holds a password
// without saying so). A helm set name is a dotted path; its last part is the key.
func namedSecret(m map[string]any) bool {
	name, _ := m["name"].(string)
	if name == "" {
		return false
	}
	if _, hasValue := m["value"]; !hasValue {
		return false
	}
	last := name[strings.LastIndex(name, ".")+1:]
	return config.LooksSecret(name) || !CheckedEnvKey(last)
}

// hiddenKey says whether the value of map key k at path is not shown: a
// secret-looking key anywhere, and every key of a data map (a ConfigMap's
// env) that driftd does not check, whatever its name.
func hiddenKey(path, k string) bool {
	return config.LooksSecret(k) || (envMap(path) && !CheckedEnvKey(k))
}

// envMap says whether the map at path holds env entries by key: a
// ConfigMap's data, also inside a kubernetes_manifest.
func envMap(path string) bool {
	return path == "data" || strings.HasSuffix(path, ".data")
}

// blocks says whether every element of a list is an object (a nested block).
func blocks(l []any) bool {
	for _, e := range l {
		if _, ok := e.(map[string]any); !ok {
			return false
		}
	}
	return len(l) > 0
}

// show renders a value for people: masked if sensitive or secret, and with
// the secret-looking and unchecked env entries inside it masked.
func show(n node, path string, secret bool) string {
	if secret || n.isSensitive() {
		if n.v == nil && !n.isSensitive() {
			return "null"
		}
		return maskedValue
	}
	if n.v == nil {
		return "null"
	}
	b, _ := json.Marshal(mask(n, path))
	return string(b)
}

// mask copies a value at path with every sensitive, secret-looking or
// unchecked env part masked.
func mask(n node, path string) any {
	if n.isSensitive() {
		return maskedValue
	}
	switch v := n.v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k := range v {
			if hiddenKey(path, k) || (k == "value" && namedSecret(v)) {
				out[k] = maskedValue
			} else {
				out[k] = mask(n.child(k), join(path, k))
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i := range v {
			out[i] = mask(n.child(i), path)
		}
		return out
	}
	return n.v
}

func equalJSON(a, b any) bool {
	ra, _ := json.Marshal(a)
	rb, _ := json.Marshal(b)
	return string(ra) == string(rb)
}

// hasUnknown says whether Terraform's after_unknown tree marks anything.
func hasUnknown(u any) bool {
	switch v := u.(type) {
	case bool:
		return v
	case map[string]any:
		for _, e := range v {
			if hasUnknown(e) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if hasUnknown(e) {
				return true
			}
		}
	}
	return false
}

func unionKeys(maps ...map[string]any) []string {
	keys := map[string]bool{}
	for _, m := range maps {
		for k := range m {
			keys[k] = true
		}
	}
	out := make([]string, 0, len(keys))
	for k := range keys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func actionName(a tfjson.Actions) string {
	switch {
	case a.Replace():
		return "replace"
	case a.Create():
		return "create"
	case a.Delete():
		return "delete"
	case a.Update():
		return "update"
	}
	return "no-op"
}

// showValues renders a helm_release's values (a list of YAML documents)
// with every scalar masked but those of the env keys driftd checks, so a
// chart's database URL or password never reaches a summary.
func showValues(n node) string {
	l, ok := n.v.([]any)
	if !ok {
		if n.v == nil {
			return "null"
		}
		return maskedValue
	}
	out := make([]any, len(l))
	for i, doc := range l {
		s, _ := doc.(string)
		var v any
		if err := yaml.Unmarshal([]byte(s), &v); err != nil {
			out[i] = maskedValue
			continue
		}
		out[i] = maskScalars(v, "")
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// maskScalars keeps the scalars of checked env keys (a map key, or the
// name of a name/value entry) and masks every other scalar.
func maskScalars(v any, key string) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		name, _ := x["name"].(string)
		for k, e := range x {
			switch {
			case k == "name" && name != "":
				out[k] = name
			case k == "value" && name != "":
				out[k] = maskScalars(e, name)
			default:
				out[k] = maskScalars(e, k)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = maskScalars(e, key)
		}
		return out
	case nil:
		return nil
	}
	if CheckedEnvKey(key) {
		return v
	}
	return maskedValue
}
