package alertmanager

import (
	"testing"
	"time"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/report"
)

var t0 = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

var policy = Policy{Resend: time.Minute, ErrorAfter: 15 * time.Minute}

func finding(check string) checks.Finding {
	return checks.Finding{Check: check, Target: "prod", Severity: checks.SeverityError, Field: "x", Expected: "a", Actual: "b", Message: check + " is off."}
}

func drifting(checkIDs ...string) *report.TargetResult {
	res := &report.TargetResult{Name: "prod", Status: report.StatusDrift}
	for _, c := range checkIDs {
		res.Findings = append(res.Findings, finding(c))
	}
	return res
}

func inSync() *report.TargetResult {
	return &report.TargetResult{Name: "prod", Status: report.StatusOK}
}

func unreadable() *report.TargetResult {
	return &report.TargetResult{Name: "prod", Status: report.StatusError, Errors: []report.ObservationError{{Source: "okta", Message: "reading Okta app: 401"}}}
}

// step is one result (nil: a resend sweep) at an offset from t0.
type step struct {
	at  time.Duration
	res *report.TargetResult
}

var decideCases = []struct {
	name  string
	steps []step
	posts []bool
	// firing is what the last state fires: drift checks and whether the error alert fires.
	firing []string
	err    bool
}{
	{"a first drift posts at once", []step{{0, drifting(checks.IDRedirectURIs)}}, []bool{true}, []string{checks.IDRedirectURIs}, false},
	{"the same drift on the next run posts nothing", []step{{0, drifting(checks.IDRedirectURIs)}, {10 * time.Second, drifting(checks.IDRedirectURIs)}}, []bool{true, false}, []string{checks.IDRedirectURIs}, false},
	{"the same drift a resend interval later is re-posted", []step{{0, drifting(checks.IDRedirectURIs)}, {time.Minute, drifting(checks.IDRedirectURIs)}}, []bool{true, true}, []string{checks.IDRedirectURIs}, false},
	{"a sweep re-posts firing alerts without a new run", []step{{0, drifting(checks.IDRedirectURIs)}, {30 * time.Second, nil}, {70 * time.Second, nil}}, []bool{true, false, true}, []string{checks.IDRedirectURIs}, false},
	{"a sweep posts nothing for a target in sync", []step{{0, inSync()}, {time.Hour, nil}}, []bool{false, false}, nil, false},
	{"changed findings post at once", []step{{0, drifting(checks.IDRedirectURIs)}, {time.Second, drifting(checks.IDRedirectURIs, checks.IDWandbCORSOrigins)}}, []bool{true, true}, []string{checks.IDRedirectURIs, checks.IDWandbCORSOrigins}, false},
	{"back in sync resolves", []step{{0, drifting(checks.IDRedirectURIs)}, {time.Second, inSync()}}, []bool{true, true}, nil, false},
	{"an unreadable source is not a resolution", []step{{0, drifting(checks.IDRedirectURIs)}, {time.Second, unreadable()}}, []bool{true, false}, []string{checks.IDRedirectURIs}, false},
	{"an error younger than error_after does not fire", []step{{0, unreadable()}, {14 * time.Minute, unreadable()}}, []bool{false, false}, nil, false},
	{"an error older than error_after fires", []step{{0, unreadable()}, {15 * time.Minute, unreadable()}}, []bool{false, true}, nil, true},
	{"a read after a firing error resolves it", []step{{0, unreadable()}, {15 * time.Minute, unreadable()}, {16 * time.Minute, inSync()}}, []bool{false, true, true}, nil, false},
	{"a read in between restarts the error clock", []step{{0, unreadable()}, {10 * time.Minute, inSync()}, {11 * time.Minute, unreadable()}, {20 * time.Minute, unreadable()}}, []bool{false, false, false, false}, nil, false},
}

func TestDecide(t *testing.T) {
	for _, tc := range decideCases {
		t.Run(tc.name, func(t *testing.T) {
			var st State
			for i, s := range tc.steps {
				var post bool
				st, post = Decide(st, s.res, t0.Add(s.at), policy)
				if post != tc.posts[i] {
					t.Errorf("step %d: post = %v, want %v", i, post, tc.posts[i])
				}
			}
			got := []string(nil)
			if st.Drift.Open {
				got = firingChecks(st.Drift.Findings)
			}
			want := append([]string(nil), tc.firing...)
			if len(want) > 1 {
				want = firingChecks(drifting(want...).Findings)
			}
			if len(got) != len(want) || (len(got) > 0 && got[0] != want[0]) || st.Error.Open != tc.err {
				t.Errorf("firing %v error %v, want %v error %v", got, st.Error.Open, want, tc.err)
			}
		})
	}
}

func TestRenderResolvesWhatNoLongerFires(t *testing.T) {
	var prev State
	prev, _ = Decide(prev, drifting(checks.IDRedirectURIs, checks.IDWandbCORSOrigins), t0, policy)
	next, _ := Decide(prev, drifting(checks.IDWandbCORSOrigins), t0.Add(time.Minute), policy)
	alerts := render("prod", prev, next, t0.Add(time.Minute), amConfig("http://127.0.0.1:1"))
	state := map[string]string{}
	for _, a := range alerts {
		state[a.Labels["check"]] = a.EndsAt
		if a.Labels["alertname"] != AlertDrift || a.Labels["target"] != "prod" || a.Labels["team"] != "platform" {
			t.Errorf("labels %v", a.Labels)
		}
	}
	t.Run("the check still drifting fires with no endsAt (set when posted)", func(t *testing.T) {
		if ends, ok := state[checks.IDWandbCORSOrigins]; !ok || ends != "" {
			t.Errorf("cors alert endsAt %q (present %v)", ends, ok)
		}
	})
	t.Run("the check back in sync is resolved at the time of the run", func(t *testing.T) {
		if ends := state[checks.IDRedirectURIs]; ends != stamp(t0.Add(time.Minute)) {
			t.Errorf("redirect alert endsAt %q", ends)
		}
	})
}
