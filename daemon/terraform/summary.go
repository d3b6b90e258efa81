package terraform

import (
	"encoding/json"
	"sort"

	"github.com/driftd/driftd/daemon/report"
	tfjson "github.com/hashicorp/terraform-json"
)

// summarize turns a plan into what a reviewer reads: each changed resource,
// its action and the attributes that change, sensitive values masked.
func summarize(p *tfjson.Plan) *report.PlanSummary {
	s := &report.PlanSummary{Changes: []report.ResourceChange{}}
	for _, rc := range p.ResourceChanges {
		if rc.Change == nil || rc.Change.Actions.NoOp() || rc.Change.Actions.Read() {
			continue
		}
		c := report.ResourceChange{Address: rc.Address, Action: actionName(rc.Change.Actions)}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		bs, _ := rc.Change.BeforeSensitive.(map[string]any)
		as, _ := rc.Change.AfterSensitive.(map[string]any)
		au, _ := rc.Change.AfterUnknown.(map[string]any)
		keys := map[string]bool{}
		for k := range before {
			keys[k] = true
		}
		for k := range after {
			keys[k] = true
		}
		for k, v := range au {
			if u, _ := v.(bool); u {
				keys[k] = true
			}
		}
		names := make([]string, 0, len(keys))
		for k := range keys {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			// Compare the raw values, show the masked ones: a changed secret
			// is listed without being shown.
			unknown, _ := au[k].(bool)
			rb, _ := json.Marshal(before[k])
			ra, _ := json.Marshal(after[k])
			if string(rb) == string(ra) && !unknown {
				continue
			}
			b, a := render(before[k], bs[k]), render(after[k], as[k])
			if unknown {
				a = "(known after apply)"
			}
			c.Attributes = append(c.Attributes, report.AttributeChange{Name: k, Before: b, After: a})
		}
		s.Changes = append(s.Changes, c)
	}
	return s
}

func render(v, sensitive any) string {
	if s, _ := sensitive.(bool); s {
		return "(sensitive value)"
	}
	if v == nil {
		return "null"
	}
	b, _ := json.Marshal(v)
	return string(b)
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
