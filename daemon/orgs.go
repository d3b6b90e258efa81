package daemon

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/daemon/config"
)

// SignInReader reads what else, beside the app object, decides whether a
// user can sign in through an Okta org (contract section 9).
type SignInReader interface {
	AppGroups(ctx context.Context, appID string) ([]checks.AssignedGroup, error)
	AppUserCount(ctx context.Context, appID string) (int, error)
	ResolveGroup(ctx context.Context, nameOrID string) (string, error)
	TrustedOrigins(ctx context.Context) (*checks.TrustedOrigins, error)
	AuthServer(ctx context.Context, id string) (*checks.AuthServer, error)
}

// oktaOrg is one Okta org as driftd reads it: one SDK client, with its own
// rate budget, shared by every target whose app lives there.
type oktaOrg struct {
	url    string
	source string // the ObservationError source: "okta", or "okta(URL)" for another org
	app    AppReader
	signin SignInReader // nil: the sign-in checks are not read
}

// buildOrgs makes one client per distinct org and credential. A test's
// AppReader (opts.Okta) stands for every org.
func buildOrgs(ctx context.Context, cfg *config.Config, opts EngineOptions, pools *[]*http.Transport) (map[string]*oktaOrg, error) {
	orgs := map[string]*oktaOrg{}
	for i := range cfg.Targets {
		o := cfg.OrgFor(&cfg.Targets[i])
		key := o.Key()
		if _, ok := orgs[key]; ok {
			continue
		}
		org := &oktaOrg{url: o.URL, source: "okta"}
		if o.URL != cfg.Okta.OrgURL {
			org.source = fmt.Sprintf("okta(%s)", o.URL)
		}
		if opts.Okta != nil {
			org.app = opts.Okta
			org.signin, _ = opts.Okta.(SignInReader)
			orgs[key] = org
			continue
		}
		// Each org has its own rate limit, so its own budget: one org
		// answering 429 never slows another down.
		budget := source.NewRateBudget(o.Reserve)
		budget.MaxWait, budget.Clock = opts.Retry.MaxRateLimitWait, opts.Retry.Clock
		if opts.Retry.Attempts == 0 {
			budget.MaxWait = source.DefaultRetryPolicy.MaxRateLimitWait
		}
		ro := o.Options()
		next := opts.Transport
		if next == nil {
			pool := orgTransport(cfg.Concurrency)
			*pools = append(*pools, pool)
			next = pool
		}
		ro.Retry, ro.Transport, ro.Observe = opts.Retry, budget.Transport(next), opts.OnResponse
		r, err := source.NewOktaReader(ctx, ro)
		if err != nil {
			return nil, err
		}
		org.app, org.signin = r, r
		orgs[key] = org
	}
	return orgs, nil
}

// orgTransport is the connection pool of one org: Go's default transport
// keeping enough idle connections for a pass. The default keeps two per
// host, so a pass of concurrency targets, each reading its app and groups
// at once, closed and dialled connections all the time.
func orgTransport(concurrency int) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 4 * max(concurrency, 1)
	return t
}

// orgFor returns the target's org.
func (e *Engine) orgFor(t *config.Target) *oktaOrg {
	return e.orgs[e.cfg.OrgFor(t).Key()]
}

// passMemo runs each keyed read once per pass, however many targets need
// it: the org's trusted origins, an authorization server, a group name.
type passMemo struct {
	mu sync.Mutex
	m  map[string]*memoCall
}

type memoCall struct {
	once sync.Once
	v    any
	err  error
}

func newPassMemo() *passMemo { return &passMemo{m: map[string]*memoCall{}} }

func (p *passMemo) do(key string, read func() (any, error)) (any, error) {
	p.mu.Lock()
	c, ok := p.m[key]
	if !ok {
		c = &memoCall{}
		p.m[key] = c
	}
	p.mu.Unlock()
	c.once.Do(func() { c.v, c.err = readSafely("okta", read) })
	return c.v, c.err
}

// memoized is passMemo.do with the value's type.
func memoized[T any](p *passMemo, key string, read func() (T, error)) (T, error) {
	v, err := p.do(key, func() (any, error) { return read() })
	out, _ := v.(T)
	return out, err
}

// windowMemo hands out one pass memo per window of time, so the
// single-target runs of a burst share the org-wide reads of that window.
type windowMemo struct {
	ttl time.Duration
	now func() time.Time

	mu    sync.Mutex
	memo  *passMemo
	since time.Time
}

func (w *windowMemo) current() *passMemo {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	if w.memo == nil || now.Sub(w.since) >= w.ttl || now.Before(w.since) {
		w.memo, w.since = newPassMemo(), now
	}
	return w.memo
}
