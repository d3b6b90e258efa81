package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/driftd/driftd/internal/oktasim"
	"github.com/driftd/driftd/internal/slacksim"
)

// eventSoak measures change detection: driftd serves n targets of one
// simulated org, and an admin breaks a random target's redirect URI in the
// simulator every editEvery. Each edit's detection latency is the time
// from the edit to driftd's Slack alert for that target.
type eventSoak struct {
	mode      string // system_log, event_hook, kubernetes or polling
	n         int
	schedule  string
	poll      time.Duration
	editEvery time.Duration
	duration  time.Duration
	grace     time.Duration
	kube      *kubeSoak // mode kubernetes (kube.go)
}

const (
	soakSlackToken = "xoxb-soak"
	soakHookSecret = "soak-hook-secret"
)

// eventSettings is the okta: block's event part for the mode.
func (s eventSoak) eventSettings() string {
	switch s.mode {
	case "system_log":
		return fmt.Sprintf("  events: {poll: %s}\n", s.poll)
	case "event_hook":
		return "  events: {poll: 0s}\n  event_hook: {secret: " + soakHookSecret + "}\n"
	default:
		return "  events: {poll: 0s}\n"
	}
}

func (s eventSoak) run(ctx context.Context) error {
	dir, sim, cleanup, err := startOkta("driftd-event-soak-")
	if err != nil {
		return err
	}
	defer cleanup()
	slack := slacksim.Start(soakSlackToken)
	defer slack.Close()
	bin, cfgFile, listen, err := prepare(dir, sim, s.n, s.schedule)
	if err != nil {
		return err
	}
	if s.mode == "kubernetes" {
		if s.kube, err = startKube(ctx, dir, s.n, sim.URL); err != nil {
			return err
		}
		defer s.kube.close()
	}
	if err := s.configure(cfgFile, sim, slack); err != nil {
		return err
	}
	cmd, base, err := serve(ctx, bin, cfgFile, listen)
	if err != nil {
		return err
	}
	defer cmd.Process.Kill()
	if s.mode == "event_hook" {
		sim.DeliverEventHooks(base+"/v1/okta/events", soakHookSecret)
	}
	if err := waitStartupPass(ctx, sim, s.n); err != nil {
		return err
	}
	start := time.Now()
	edits := s.edit(ctx, sim, slack)
	end := time.Now()
	stop(cmd)
	s.report(edits, sim.Requests(), start, end)
	return nil
}

// configure adds the mode's event settings and Slack to the config.
func (s eventSoak) configure(cfgFile string, sim *oktasim.Server, slack *slacksim.Server) error {
	b, err := os.ReadFile(cfgFile)
	if err != nil {
		return err
	}
	token := "  api_token: " + sim.Token + "\n"
	cfg := strings.Replace(string(b), token, token+s.eventSettings(), 1)
	if s.kube != nil {
		cfg = s.kube.configure(cfg)
	}
	cfg += fmt.Sprintf("slack:\n  bot_token: %s\n  channel: \"#sso\"\n  api_url: %s\n", soakSlackToken, slack.APIURL())
	return os.WriteFile(cfgFile, []byte(cfg), 0o600)
}

// waitStartupPass waits until every app was read once: the start-up pass.
func waitStartupPass(ctx context.Context, sim *oktasim.Server, n int) error {
	for {
		apps := 0
		for _, r := range sim.Requests() {
			if strings.HasPrefix(r.Path, "/api/v1/apps/") {
				apps++
			}
		}
		if apps >= n {
			time.Sleep(2 * time.Second) // let its alerts settle
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// edit is one admin edit and when driftd alerted about it.
type edit struct {
	target   string
	at       time.Time
	detected time.Time
}

// edit breaks a different random target about every editEvery (uniformly
// between half and one and a half of it, so edits fall at every phase of
// the poll) for the duration, then waits the grace period for the last
// alerts, watching Slack.
func (s eventSoak) edit(ctx context.Context, sim *oktasim.Server, slack *slacksim.Server) []*edit {
	var mu sync.Mutex
	var edits []*edit
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	go watchAlerts(watchCtx, slack, &mu, &edits)
	perm := rand.Perm(s.n)
	deadline := time.After(s.duration)
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return edits
		case <-deadline:
			time.Sleep(s.grace)
			mu.Lock()
			defer mu.Unlock()
			return edits
		case <-time.After(s.editEvery/2 + rand.N(s.editEvery)):
		}
		id := perm[i%s.n]
		e := &edit{target: fmt.Sprintf("t%06d", id), at: time.Now()}
		mu.Lock()
		edits = append(edits, e)
		mu.Unlock()
		if err := s.change(ctx, sim, id); err != nil {
			fmt.Fprintln(os.Stderr, "soak: edit:", err)
		}
	}
}

// change is one edit of target id: its app's redirect URIs through the
// Okta simulator's admin path, or in mode kubernetes its Deployment's env.
func (s eventSoak) change(ctx context.Context, sim *oktasim.Server, id int) error {
	if s.kube != nil {
		return s.kube.edit(ctx, id)
	}
	return sim.AdminEdit(fmt.Sprintf("0oasoak%06d", id), func(a *oktasim.App) {
		a.Settings.OAuthClient.RedirectURIs = []string{"https://evil.soak.test/oidc/callback"}
	})
}

// watchAlerts stamps each edit with the first Slack alert for its target
// after it.
func watchAlerts(ctx context.Context, slack *slacksim.Server, mu *sync.Mutex, edits *[]*edit) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(50 * time.Millisecond):
		}
		now := time.Now()
		alerted := map[string]bool{}
		for _, m := range slack.Messages() {
			if name, ok := strings.CutPrefix(m.Text, "SSO drift on "); ok {
				alerted[strings.SplitN(name, ":", 2)[0]] = true
			}
		}
		mu.Lock()
		for _, e := range *edits {
			if e.detected.IsZero() && alerted[e.target] {
				e.detected = now
			}
		}
		mu.Unlock()
	}
}

// report prints detection latency, Okta requests per hour and misses.
func (s eventSoak) report(edits []*edit, reqs []oktasim.Request, start, end time.Time) {
	var lat []time.Duration
	missed := 0
	for _, e := range edits {
		if e.detected.IsZero() {
			missed++
			continue
		}
		lat = append(lat, e.detected.Sub(e.at))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	logs, apps, other := 0, 0, 0
	for _, r := range reqs {
		if r.Start.Before(start) || r.Start.After(end) {
			continue
		}
		switch {
		case strings.HasPrefix(r.Path, "/api/v1/logs"):
			logs++
		case strings.HasPrefix(r.Path, "/api/v1/apps/"):
			apps++
		case strings.HasPrefix(r.Path, "/api/v1/"):
			other++
		}
	}
	hours := end.Sub(start).Hours()
	fmt.Printf("event soak: mode %s, %d targets, schedule %s, %d edits over %s (+%s grace)\n", s.mode, s.n, s.schedule, len(edits), s.duration, s.grace)
	if len(lat) > 0 {
		fmt.Printf("detection: p50 %s, p99 %s, max %s\n", pct(lat, 0.50), pct(lat, 0.99), lat[len(lat)-1].Round(10*time.Millisecond))
	}
	fmt.Printf("missed: %d of %d\n", missed, len(edits))
	fmt.Printf("okta requests/hour: %.0f total (%.0f System Log, %.0f app reads, %.0f other)\n",
		float64(logs+apps+other)/hours, float64(logs)/hours, float64(apps)/hours, float64(other)/hours)
}
