package notify

import (
	"slices"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/daemon/store"
)

func TestDecideAnnouncesAnOutageThatLasts(t *testing.T) {
	t0 := time.Date(2026, 11, 29, 0, 10, 0, 0, time.UTC)
	policy := Policy{Repeat: 4 * time.Hour, OutageAfter: 15 * time.Minute}
	failing := &report.TargetResult{Name: "prod", Status: report.StatusError,
		Errors: []report.ObservationError{{Source: "okta", Message: "rate limited since 2026-11-29T00:10:00Z (429)"}}}
	ok := &report.TargetResult{Name: "prod", Status: report.StatusOK}
	down := store.AlertState{ErrorSince: t0}
	announced := store.AlertState{ErrorSince: t0, OutageAlerted: true}
	drifting := store.AlertState{Open: true, Fingerprint: report.FindingsFingerprint(drift("okta.redirect_uris").Findings), OpenedAt: t0, LastNotice: t0}
	driftDown := drifting
	driftDown.ErrorSince = t0
	tests := []struct {
		name          string
		prev          store.AlertState
		res           *report.TargetResult
		now           time.Time
		policy        Policy
		want          []string
		wantSince     time.Time
		wantAlerted   bool
		wantDriftOpen bool
	}{
		{name: "a first error starts the outage clock and sends nothing", res: failing, now: t0, policy: policy, wantSince: t0},
		{name: "an error shorter than the threshold sends nothing", prev: down, res: failing, now: t0.Add(14 * time.Minute), policy: policy, wantSince: t0},
		{name: "an error past the threshold sends one outage notice", prev: down, res: failing, now: t0.Add(15 * time.Minute), policy: policy,
			want: []string{AlertOutage}, wantSince: t0, wantAlerted: true},
		{name: "a lasting outage is announced only once", prev: announced, res: failing, now: t0.Add(3 * time.Hour), policy: policy, wantSince: t0, wantAlerted: true},
		{name: "recovery to ok resolves the outage", prev: announced, res: ok, now: t0.Add(time.Hour), policy: policy, want: []string{AlertOutageResolved}},
		{name: "recovery to drift resolves the outage and opens the drift alert", prev: announced, res: drift("okta.redirect_uris"), now: t0.Add(time.Hour), policy: policy,
			want: []string{AlertOutageResolved, AlertNew}, wantDriftOpen: true},
		{name: "a short error that recovers sends nothing and stops the clock", prev: down, res: ok, now: t0.Add(time.Minute), policy: policy},
		{name: "an outage during a drift episode keeps the episode open", prev: driftDown, res: failing, now: t0.Add(20 * time.Minute), policy: policy,
			want: []string{AlertOutage}, wantSince: t0, wantAlerted: true, wantDriftOpen: true},
		{name: "without a threshold an outage is never announced", prev: down, res: failing, now: t0.Add(48 * time.Hour), policy: Policy{Repeat: time.Hour}, wantSince: t0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, next := DecideWith(tc.prev, tc.res, tc.now, tc.policy)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("Decide = %v, want %v", got, tc.want)
			}
			if !next.ErrorSince.Equal(tc.wantSince) || next.OutageAlerted != tc.wantAlerted || next.Open != tc.wantDriftOpen {
				t.Errorf("next state: error since %s, outage alerted %v, drift open %v; want %s, %v, %v",
					next.ErrorSince, next.OutageAlerted, next.Open, tc.wantSince, tc.wantAlerted, tc.wantDriftOpen)
			}
			if again, _ := DecideWith(next, tc.res, tc.now, tc.policy); len(again) != 0 {
				t.Errorf("a second decision at the same moment sent %v", again)
			}
			if len(got) == 0 && !tc.prev.ErrorSince.Equal(next.ErrorSince) && !OutageClockChanged(tc.prev, next) {
				t.Errorf("the outage clock moved without being reported as a change to store")
			}
		})
	}
}
