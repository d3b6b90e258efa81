package events

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/daemon/config"
)

func TestAnEventHookDeliveryTriggersOnlyTheTargetsOfTheOrgThatSentIt(t *testing.T) {
	w := newWorld(t, "prod", "other")
	w.cfg.Targets[0].OIDC.Issuer = w.sim.URL + "/oauth2/default"
	w.cfg.Targets[1].OIDC.Issuer = "https://other.okta.com/oauth2/default"
	w.cfg.Targets[1].Okta.OrgURL = "https://other.okta.com"
	cases := []struct {
		name, source string
		want         map[string]int
	}{
		{"a delivery from the global org's hook runs only its target", w.sim.URL + "/api/v1/eventHooks/who1", map[string]int{"prod": 1, "other": 0}},
		{"a delivery from the other org's hook runs only its target", "https://OTHER.okta.com/api/v1/eventHooks/who2", map[string]int{"prod": 0, "other": 1}},
		{"a delivery whose source names no configured org runs every target it concerns", "", map[string]int{"prod": 1, "other": 1}},
	}
	for _, tc := range cases {
		// In a bubble: the queue's window passes on the fake clock and
		// synctest.Wait returns once every run has settled.
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r, m := newRuns(), newRecMetrics()
				ctx, cancel := context.WithCancel(context.Background())
				q := NewQueue(ctx, r.run, 10*time.Millisecond, 4, m, quiet)
				defer func() { cancel(); q.Wait() }()
				d := NewDispatcher(func() *config.Config { return w.cfg }, q, m)
				ev := source.LogEvent{UUID: "e1", Published: time.Now(), Targets: []source.LogTarget{{ID: "default", Type: "AuthorizationServer"}}}
				d.OfferDelivery(SourceEventHook, tc.source, []source.LogEvent{ev})
				settle(time.Second)
				for target, want := range tc.want {
					if got := r.of(target); got != want {
						t.Errorf("%s ran %d times, want %d", target, got, want)
					}
				}
			})
		})
	}
}
