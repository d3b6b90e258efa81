package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/driftd/driftd/checks"
)

// AppReader reads an Okta OIDC app.
type AppReader interface {
	App(ctx context.Context, appID string) (*checks.OktaApp, error)
}

// EnvReader reads a W&B deployment's environment.
type EnvReader interface {
	Env(ctx context.Context) (*checks.WandbEnv, error)
}

// DiscoveryFetcher reads an issuer's discovery document.
type DiscoveryFetcher interface {
	Fetch(ctx context.Context, issuer string) (*checks.Discovery, error)
}

// Status of a target after a pass.
const (
	StatusOK    = "ok"
	StatusDrift = "drift"
	StatusError = "error"
)

// ObservationError is a source that could not be read. It makes the target's
// status "error"; it is never turned into a finding.
type ObservationError struct {
	Source  string `json:"source"`
	Message string `json:"message"`
}

// TargetResult is one target's verdict after a pass.
type TargetResult struct {
	Name        string             `json:"name"`
	Status      string             `json:"status"`
	Findings    []checks.Finding   `json:"findings"`
	Errors      []ObservationError `json:"errors"`
	ObservedAt  time.Time          `json:"observed_at"`
	Remediation *RemediationResult `json:"remediation,omitempty"`

	// observed keeps what was read, for remediation's staleness guardrail.
	observed *checks.Observed
}

// Report is the result of one pass over some targets; its JSON form is the
// contract's `check --output json` document.
type Report struct {
	Targets []TargetResult `json:"targets"`
}

// ExitCode is the contract's exit code for a report: the worst status wins
// (error 1 > drift 2 > ok 0).
func (r *Report) ExitCode() int {
	code := 0
	for _, t := range r.Targets {
		switch t.Status {
		case StatusError:
			return 1
		case StatusDrift:
			code = 2
		}
	}
	return code
}

// Engine observes targets and evaluates the checks. It never changes
// anything; the reconcile path builds on it.
type Engine struct {
	cfg       *Config
	okta      AppReader
	discovery DiscoveryFetcher
	envFor    func(t *Target) EnvReader
	log       *slog.Logger
	now       func() time.Time
	shared    *discoveryMemo
}

// EngineOptions lets tests and the daemon swap the readers or observe
// Okta's answers; zero values build the real readers from the config.
type EngineOptions struct {
	Okta       AppReader
	Discovery  DiscoveryFetcher
	EnvFor     func(t *Target) EnvReader
	Retry      checks.RetryPolicy
	Transport  http.RoundTripper
	OnResponse checks.ResponseObserver
	Now        func() time.Time
	// DiscoveryTTL lets single-target runs share an issuer's discovery
	// document for a while (the daemon runs each target on its own); zero
	// fetches it on every run.
	DiscoveryTTL time.Duration
}

// NewEngine builds the readers for cfg.
func NewEngine(ctx context.Context, cfg *Config, log *slog.Logger, opts EngineOptions) (*Engine, error) {
	e := &Engine{cfg: cfg, okta: opts.Okta, discovery: opts.Discovery, envFor: opts.EnvFor, log: log, now: opts.Now}
	if e.now == nil {
		e.now = time.Now
	}
	if e.okta == nil {
		r, err := checks.NewOktaReader(ctx, checks.OktaOptions{
			OrgURL: cfg.Okta.OrgURL, Token: cfg.Okta.APIToken.Reveal(),
			Retry: opts.Retry, Transport: opts.Transport, Observe: opts.OnResponse,
		})
		if err != nil {
			return nil, err
		}
		e.okta = r
	}
	if e.discovery == nil {
		e.discovery = checks.NewDiscoveryReader(opts.Transport, opts.Retry)
	}
	if e.envFor == nil {
		e.envFor = defaultEnvReader
	}
	if opts.DiscoveryTTL > 0 {
		e.shared = newDiscoveryMemo(e.discovery)
		e.shared.ttl, e.shared.now = opts.DiscoveryTTL, e.now
	}
	return e, nil
}

func defaultEnvReader(t *Target) EnvReader {
	switch t.Wandb.Env.Source {
	case "terraform":
		return &checks.TerraformEnv{Dir: t.Wandb.Env.Dir, Output: t.Wandb.Env.Output, Address: t.Wandb.Env.Address}
	default:
		return checks.EnvFile{Path: t.Wandb.Env.Path}
	}
}

// Config returns the engine's configuration.
func (e *Engine) Config() *Config { return e.cfg }

// CheckAll observes and evaluates the given targets concurrently, at most
// cfg.Concurrency at once. One target failing never stops the others.
func (e *Engine) CheckAll(ctx context.Context, targets []*Target) *Report {
	memo := newDiscoveryMemo(e.discovery)
	return fanOut(len(targets), e.cfg.Concurrency, func(i int) TargetResult {
		return e.checkTarget(ctx, targets[i], memo)
	})
}

// fanOut runs one function per target, at most limit at once, and gathers
// the results in order. Every "all targets" path (check, reconcile, the
// daemon's start-up pass and POST /v1/reconcile without a target) uses it.
func fanOut(n, limit int, run func(i int) TargetResult) *Report {
	results := make([]TargetResult, n)
	sem := make(chan struct{}, max(limit, 1))
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = run(i)
		}()
	}
	wg.Wait()
	return &Report{Targets: results}
}

// CheckTarget observes and evaluates one target.
func (e *Engine) CheckTarget(ctx context.Context, t *Target) TargetResult {
	if e.shared != nil {
		return e.checkTarget(ctx, t, e.shared)
	}
	return e.checkTarget(ctx, t, newDiscoveryMemo(e.discovery))
}

func (e *Engine) checkTarget(ctx context.Context, t *Target, memo *discoveryMemo) TargetResult {
	res := TargetResult{Name: t.Name, Findings: []checks.Finding{}, Errors: []ObservationError{}, ObservedAt: e.now().UTC()}
	obs := &checks.Observed{}
	var mu sync.Mutex
	fail := func(source string, err error) {
		mu.Lock()
		defer mu.Unlock()
		res.Errors = append(res.Errors, ObservationError{Source: source, Message: err.Error()})
	}
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		app, err := e.okta.App(ctx, t.Okta.AppID)
		if err != nil {
			fail("okta", err)
			return
		}
		obs.Okta = app
	}()
	go func() {
		defer wg.Done()
		env, err := e.envFor(t).Env(ctx)
		if err != nil {
			fail("wandb", err)
			return
		}
		obs.Env = env
	}()
	go func() {
		defer wg.Done()
		doc, err := memo.fetch(ctx, t.OIDC.Issuer)
		if err != nil {
			fail("discovery", err)
			return
		}
		obs.Discovery = doc
	}()
	wg.Wait()
	res.observed = obs
	res.Findings = append(res.Findings, checks.Evaluate(t.Desired(), obs)...)
	res.Status = statusOf(res.Findings, res.Errors)
	return res
}

// statusOf: an unreadable source makes the verdict "error" whatever the
// other sources said, because part of the wiring went unchecked.
func statusOf(findings []checks.Finding, errs []ObservationError) string {
	switch {
	case len(errs) > 0:
		return StatusError
	case checks.HasErrors(findings):
		return StatusDrift
	}
	return StatusOK
}

// discoveryMemo fetches each distinct issuer once per pass, however many
// targets share it.
type discoveryMemo struct {
	f   DiscoveryFetcher
	mu  sync.Mutex
	m   map[string]*discoveryCall
	ttl time.Duration // 0: for one pass only
	now func() time.Time
}

type discoveryCall struct {
	once sync.Once
	doc  *checks.Discovery
	err  error
	at   time.Time
}

func newDiscoveryMemo(f DiscoveryFetcher) *discoveryMemo {
	return &discoveryMemo{f: f, m: map[string]*discoveryCall{}}
}

func (d *discoveryMemo) fetch(ctx context.Context, issuer string) (*checks.Discovery, error) {
	d.mu.Lock()
	c, ok := d.m[issuer]
	// A shared memo forgets a document after its TTL, and a failure at once,
	// so an outage is retried on the next run rather than remembered.
	if ok && d.ttl > 0 && !c.at.IsZero() && (c.err != nil || d.now().Sub(c.at) > d.ttl) {
		ok = false
	}
	if !ok {
		c = &discoveryCall{}
		d.m[issuer] = c
	}
	d.mu.Unlock()
	c.once.Do(func() {
		c.doc, c.err = d.f.Fetch(ctx, issuer)
		if d.ttl > 0 {
			d.mu.Lock()
			c.at = d.now()
			d.mu.Unlock()
		}
	})
	return c.doc, c.err
}

// selectTargets returns the named target, or all when name is empty.
func (c *Config) selectTargets(name string) ([]*Target, error) {
	if name == "" {
		out := make([]*Target, len(c.Targets))
		for i := range c.Targets {
			out[i] = &c.Targets[i]
		}
		return out, nil
	}
	t, ok := c.Target(name)
	if !ok {
		return nil, &UnknownTargetError{Name: name}
	}
	return []*Target{t}, nil
}

// UnknownTargetError names a target the config does not have.
type UnknownTargetError struct{ Name string }

func (e *UnknownTargetError) Error() string {
	return fmt.Sprintf("no target named %q in the config", e.Name)
}
