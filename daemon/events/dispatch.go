package events

import (
	"sync"

	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/daemon/config"
)

// Sources of events, as the driftd_events_total{source} label spells them.
const (
	SourceSystemLog = "system_log"
	SourceEventHook = "event_hook"
)

// Results of an event, as the driftd_events_total{result} label spells them.
const (
	ResultQueued    = "queued"
	ResultIgnored   = "ignored"
	ResultDuplicate = "duplicate"
	ResultError     = "error"
)

// recentIDs is how many event ids the dispatcher remembers, so a change
// that arrives both by Event Hook and by the System Log runs once.
const recentIDs = 16384

// Dispatcher is where every event enters: it drops events already seen,
// maps each to the targets it concerns (following config reloads) and
// queues their runs.
type Dispatcher struct {
	cfg     func() *config.Config
	queue   *Queue
	metrics Metrics

	// Policies is what runs observed of the targets' access policies.
	Policies *PolicyBook

	mu     sync.Mutex
	idx    *Index
	idxFor *config.Config
	seen   map[string]bool
	ring   []string
	next   int
}

// NewDispatcher maps events with the config cfg returns now.
func NewDispatcher(cfg func() *config.Config, q *Queue, m Metrics) *Dispatcher {
	return &Dispatcher{cfg: cfg, queue: q, metrics: m, seen: map[string]bool{}, ring: make([]string, recentIDs), Policies: NewPolicyBook()}
}

// Offer queues the runs evs call for and returns how many events concerned
// a target. It never blocks on a run.
func (d *Dispatcher) Offer(src string, evs []source.LogEvent) int { return d.OfferFrom(src, "", evs) }

// OfferFrom is Offer for events the Okta org at org logged (its System
// Log): they concern only that org's targets. org "" is any org.
func (d *Dispatcher) OfferFrom(src, org string, evs []source.LogEvent) int {
	ix := d.index()
	queued := 0
	for _, ev := range evs {
		if !d.firstSight(ev.UUID) {
			d.metrics.Event(src, ResultDuplicate)
			continue
		}
		targets := ix.TargetsIn(ev, org)
		if len(targets) == 0 {
			d.metrics.Event(src, ResultIgnored)
			continue
		}
		for _, t := range targets {
			d.queue.Add(t, ev.Published)
		}
		d.metrics.Event(src, ResultQueued)
		queued++
	}
	return queued
}

// OfferDelivery is Offer for an Event Hook delivery whose source field is
// from: Okta names the hook there (https://ORG/api/v1/eventHooks/ID), so a
// delivery from a configured org concerns only that org's targets.
func (d *Dispatcher) OfferDelivery(src, from string, evs []source.LogEvent) int {
	org := ""
	if o := origin(from); o != "" {
		for _, eo := range d.cfg().EventOrgs() {
			if origin(eo.URL) == o {
				org = eo.URL
				break
			}
		}
	}
	return d.OfferFrom(src, org, evs)
}

// index is the index of the current config, rebuilt after a reload.
func (d *Dispatcher) index() *Index {
	cfg := d.cfg()
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.idx == nil || d.idxFor != cfg {
		d.idx, d.idxFor = NewIndex(cfg), cfg
		d.idx.policies = d.Policies
	}
	return d.idx
}

// firstSight records id and reports whether it is new. Events without an
// id are never deduplicated.
func (d *Dispatcher) firstSight(id string) bool {
	if id == "" {
		return true
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.seen[id] {
		return false
	}
	if old := d.ring[d.next]; old != "" {
		delete(d.seen, old)
	}
	d.ring[d.next] = id
	d.next = (d.next + 1) % len(d.ring)
	d.seen[id] = true
	return true
}
