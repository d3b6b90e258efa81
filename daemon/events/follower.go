package events

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/daemon/store"
)

// LogReader makes one polling request for an org's System Log;
// source.OktaReader implements it through the okta-sdk-golang client.
type LogReader interface {
	ReadLog(ctx context.Context, cur source.LogCursor, filter string, limit int) (source.LogPage, error)
}

// CursorStore keeps each org's cursor; daemon/store implements it.
type CursorStore interface {
	LogCursor(org string) (store.LogCursor, bool, error)
	SaveLogCursor(org string, c store.LogCursor) error
}

// Retention is how long Okta keeps System Log events (okta-developer-docs
// system-log/index.md: "data is retained for 90 days"). A cursor saved
// longer ago than that, less a day of margin, would miss events; driftd
// runs a full pass instead and starts afresh.
const Retention = 89 * 24 * time.Hour

// PageLimit is the page size asked for (the most Okta allows).
const PageLimit = 1000

// maxPagesPerPoll bounds the requests of one poll when events pile up;
// the rest wait for the next poll.
const maxPagesPerPoll = 10

// Follower polls one org's System Log every Poll: one request per poll
// whatever the number of targets (more only when a page comes back full),
// hands the events to the dispatcher and saves the cursor after each page,
// so a restart resumes where the last one stopped.
type Follower struct {
	Org      string
	Reader   LogReader
	Store    CursorStore
	Dispatch *Dispatcher
	// FullPass runs every target of the org: when no cursor can be trusted.
	FullPass func(ctx context.Context)
	Poll     time.Duration
	// Limit is the page size; 0 means PageLimit.
	Limit   int
	Metrics Metrics
	Log     *slog.Logger
	Now     func() time.Time

	cur       source.LogCursor
	readUntil time.Time
	filter    string
}

// Run follows the System Log until ctx ends.
func (f *Follower) Run(ctx context.Context) {
	f.Start(ctx)
	tick := time.NewTicker(f.Poll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			f.PollOnce(ctx)
		}
	}
}

// Start loads the cursor. Without one, following starts now: the daemon's
// start-up pass has just looked at everything. With one too old to resume,
// a full pass stands in for the events Okta no longer has.
func (f *Follower) Start(ctx context.Context) {
	if f.Now == nil {
		f.Now = time.Now
	}
	f.filter = source.ChangeFilter()
	now := f.Now()
	f.readUntil = now
	c, ok, err := f.Store.LogCursor(f.Org)
	switch {
	case err != nil:
		f.Log.Error("reading the System Log cursor; following from now", "org", f.Org, "err", err)
	case ok && now.Sub(c.Saved) > Retention:
		f.Log.Warn("the System Log cursor is older than Okta keeps events; running a full pass", "org", f.Org, "saved", c.Saved)
		f.FullPass(ctx)
	case ok:
		f.cur, f.readUntil = source.LogCursor{Since: c.Since, After: c.After}, c.Saved
		return
	}
	f.cur = source.LogCursor{Since: now}
	f.save(now)
}

// PollOnce reads what the org logged since the cursor; Start first.
func (f *Follower) PollOnce(ctx context.Context) {
	started := f.Now()
	limit := f.Limit
	if limit <= 0 {
		limit = PageLimit
	}
	for range maxPagesPerPoll {
		page, err := f.Reader.ReadLog(ctx, f.cur, f.filter, limit)
		if errors.Is(err, source.ErrLogCursorInvalid) {
			f.Log.Warn("Okta refused the System Log cursor; running a full pass", "org", f.Org, "err", err)
			f.FullPass(ctx)
			f.cur = source.LogCursor{Since: started}
			f.save(started)
			f.readUntil = started
			break
		}
		if err != nil {
			f.Metrics.Event(SourceSystemLog, ResultError)
			f.Log.Warn("polling the System Log; the next poll resumes from the same cursor", "org", f.Org, "err", err)
			break
		}
		f.Dispatch.OfferFrom(SourceSystemLog, f.Org, page.Events)
		f.cur = advanceSince(page)
		f.save(started)
		if !page.Full {
			f.readUntil = started
			break
		}
	}
	f.Metrics.Lag(f.Now().Sub(f.readUntil).Seconds())
}

// sinceMargin keeps `since` this far behind the newest event read: the
// cursor (`after`) marks the position, and `since` must never exclude an
// event Okta persisted late.
const sinceMargin = time.Hour

// advanceSince moves the cursor's `since` up behind the newest event read,
// so it never falls out of Okta's retention while driftd keeps polling.
func advanceSince(page source.LogPage) source.LogCursor {
	next := page.Next
	if n := len(page.Events); n > 0 {
		if s := page.Events[n-1].Published.Add(-sinceMargin); s.After(next.Since) {
			next.Since = s
		}
	}
	return next
}

func (f *Follower) save(at time.Time) {
	c := store.LogCursor{Since: f.cur.Since, After: f.cur.After, Saved: at.UTC()}
	if err := f.Store.SaveLogCursor(f.Org, c); err != nil {
		f.Log.Error("saving the System Log cursor", "org", f.Org, "err", err)
	}
}
