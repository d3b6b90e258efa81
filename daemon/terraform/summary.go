package terraform

import (
	"encoding/json"
	"fmt"
	"sort"

	tfjson "github.com/hashicorp/terraform-json"

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
		d := differ{}
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

// differ collects the changed leaves of one resource.
type differ struct{ out []report.AttributeChange }

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
			hidden := secret || config.LooksSecret(k) || (k == "value" && (namedSecret(bm) || namedSecret(am)))
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
	a := report.AttributeChange{Name: path, Before: show(before, secret), After: show(after, secret)}
	if unknown {
		a.After, a.Computed = unknownValue, true
	}
	d.out = append(d.out, a)
}

// namedSecret says whether an object is a name/value pair whose name looks
// secret: a Kubernetes env entry or a helm_release set block.
func namedSecret(m map[string]any) bool {
	name, _ := m["name"].(string)
	return name != "" && config.LooksSecret(name)
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
// the secret-looking entries inside it masked.
func show(n node, secret bool) string {
	if secret || n.isSensitive() {
		if n.v == nil && !n.isSensitive() {
			return "null"
		}
		return maskedValue
	}
	if n.v == nil {
		return "null"
	}
	b, _ := json.Marshal(mask(n))
	return string(b)
}

// mask copies a value with every sensitive or secret-looking part masked.
func mask(n node) any {
	if n.isSensitive() {
		return maskedValue
	}
	switch v := n.v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k := range v {
			if config.LooksSecret(k) || (k == "value" && namedSecret(v)) {
				out[k] = maskedValue
			} else {
				out[k] = mask(n.child(k))
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i := range v {
			out[i] = mask(n.child(i))
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
