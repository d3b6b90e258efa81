package oktasim_test

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

// TestRecordedOktaAnswersConform replays every recording of real Okta the
// okta provider's acceptance tests made for the objects driftd and its
// Terraform module touch, in recorded order, each against a fresh
// simulator, and compares each answer's status code and JSON shape with
// the recorded one. A difference fails the test unless conformanceExceptions
// names it with its reason (the README's table is the same list).
func TestRecordedOktaAnswersConform(t *testing.T) {
	total, ok, excepted := 0, 0, 0
	failures := map[string][]string{} // exception reason or "" -> examples
	used := map[int]bool{}
	for _, c := range loadCassettes(t) {
		if len(c.Interactions) == 0 {
			continue
		}
		r := newReplayer(t, c.Interactions[0].Request.URL)
		r.disableMissingFeatures(c)
		for _, it := range c.Interactions {
			total++
			o := r.play(it.Request.Method, it.Request.URL, it.Request.Body, it.Response.Code, it.Response.Body)
			if len(o.diffs) == 0 {
				ok++
				continue
			}
			where := fmt.Sprintf("%s#%d %s %s: %s", c.Name, it.ID, o.method, o.path, strings.Join(o.diffs, "; "))
			reasons, unexplained := map[string]bool{}, false
			for _, d := range o.diffs {
				i := exceptionFor(c.Name, o, d)
				if i < 0 {
					unexplained = true
					continue
				}
				used[i] = true
				reasons[conformanceExceptions[i].reason] = true
			}
			if unexplained {
				failures[""] = append(failures[""], where)
				continue
			}
			excepted++
			for r := range reasons {
				failures[r] = append(failures[r], where)
			}
		}
	}
	t.Logf("%d of %d interactions conform; %d differ only as the exceptions say", ok, total, excepted)
	readmeSays(t, fmt.Sprintf("**%d of %d interactions conform.**", ok, total), fmt.Sprintf("The other %d differ only as these exceptions say", excepted))
	reasons := make([]string, 0, len(failures))
	for k := range failures {
		reasons = append(reasons, k)
	}
	sort.Strings(reasons)
	for _, k := range reasons {
		if k != "" {
			t.Logf("excepted (%d): %s; e.g. %s", len(failures[k]), k, failures[k][0])
		}
	}
	for _, f := range failures[""] {
		t.Errorf("does not conform: %s", f)
	}
	for i, e := range conformanceExceptions {
		if !used[i] {
			t.Errorf("exception %q matches no failing interaction: remove it", e.reason)
		}
	}
}

// readmeSays fails the test unless README.md states each count as the
// test measured it, so the README's numbers stay today's.
func readmeSays(t *testing.T, want ...string) {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		if !strings.Contains(strings.Join(strings.Fields(string(b)), " "), w) {
			t.Errorf("README.md does not say %q: update its section on the Okta simulator", w)
		}
	}
}
