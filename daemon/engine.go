package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/daemon/terraform"
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

// Engine observes targets and evaluates the checks. It never changes
// anything; the reconcile path builds on it.
type Engine struct {
	cfg       *config.Config
	orgs      map[string]*oktaOrg // by config.OktaOrg.Key
	discovery DiscoveryFetcher
	envFor    func(t *config.Target) EnvReader
	envErr    func(target string) error
	log       *slog.Logger
	now       func() time.Time
	shared    *discoveryMemo
	window    *windowMemo // nil: no sharing of org-wide reads between runs
	// scrub keeps config secrets out of what readers report (a Terraform
	// state reader relays terraform's stderr): check has no Runner to do it.
	scrub *terraform.Scrubber
	// pools are the orgs' connection pools, closed by Close.
	pools []*http.Transport
}

// Close drops the engine's idle Okta connections: a replaced engine (a
// reload) or a stopped daemon leaves no keep-alive behind
// (TestServeLeavesNoGoroutineBehind failed once each org got its own pool).
func (e *Engine) Close() {
	for _, p := range e.pools {
		p.CloseIdleConnections()
	}
}

// EngineOptions lets tests and the daemon swap the readers or observe
// Okta's answers; zero values build the real readers from the config.
type EngineOptions struct {
	// Okta stands for every org; when it is also a SignInReader the
	// sign-in checks are read through it.
	Okta       AppReader
	Discovery  DiscoveryFetcher
	EnvFor     func(t *config.Target) EnvReader
	Retry      source.RetryPolicy
	Transport  http.RoundTripper
	OnResponse source.ResponseObserver
	Now        func() time.Time
	// EnvErr, when set, is asked after each env read for a problem the
	// target's env source had between runs (a Kubernetes watch refused);
	// it becomes one more observation error of the run.
	EnvErr func(target string) error
	// DiscoveryTTL lets single-target runs share an issuer's discovery
	// document for a while (the daemon runs each target on its own); zero
	// fetches it on every run.
	DiscoveryTTL time.Duration
	// SharedReadWindow lets single-target runs share the org-wide sign-in
	// reads (trusted origins, an authorization server, group lookups) for
	// this long: a flood of events naming many targets of one org costs one
	// read of each shared object per window, not one per target. Zero
	// reads them on every run.
	SharedReadWindow time.Duration
}

// NewEngine builds the readers for cfg.
func NewEngine(ctx context.Context, cfg *config.Config, log *slog.Logger, opts EngineOptions) (*Engine, error) {
	e := &Engine{cfg: cfg, discovery: opts.Discovery, envFor: opts.EnvFor, envErr: opts.EnvErr, log: log, now: opts.Now, scrub: terraform.NewScrubber(cfg)}
	if e.now == nil {
		e.now = time.Now
	}
	orgs, err := buildOrgs(ctx, cfg, opts, &e.pools)
	if err != nil {
		return nil, err
	}
	e.orgs = orgs
	if e.discovery == nil {
		e.discovery = source.NewDiscoveryReader(opts.Transport, opts.Retry)
	}
	if e.envFor == nil {
		e.envFor = func(t *config.Target) EnvReader { return defaultEnvReader(t, e.now) }
	}
	if opts.SharedReadWindow > 0 {
		e.window = &windowMemo{ttl: opts.SharedReadWindow, now: e.now}
	}
	if opts.DiscoveryTTL > 0 {
		e.shared = newDiscoveryMemo(e.discovery)
		e.shared.ttl, e.shared.now = opts.DiscoveryTTL, e.now
	}
	return e, nil
}

// defaultEnvReader builds the reader of t's env source; now is the
// engine's clock, which the kubernetes source's rollout observation uses.
func defaultEnvReader(t *config.Target, now func() time.Time) EnvReader {
	switch t.Wandb.Env.Source {
	case "terraform":
		// terraform show gets what plan and apply get: the target's
		// remediation.terraform.env (a state backend's credential).
		return &source.TerraformEnv{Dir: t.Wandb.Env.Dir, Output: t.Wandb.Env.Output, Address: t.Wandb.Env.Address, Extra: t.Remedy.Terraform.RevealEnv()}
	case "kubernetes":
		e := t.Wandb.Env
		return &source.KubernetesEnv{Kubeconfig: e.Kubeconfig, Context: e.Context, Namespace: e.Namespace,
			Deployment: e.Deployment, WeightsAndBiases: e.WeightsAndBiases, Container: e.Container, Now: now}
	default:
		return source.EnvFile{Path: t.Wandb.Env.Path}
	}
}

// Config returns the engine's configuration.
func (e *Engine) Config() *config.Config { return e.cfg }

// CheckAll observes and evaluates the given targets concurrently, at most
// cfg.Concurrency at once. One target failing never stops the others.
func (e *Engine) CheckAll(ctx context.Context, targets []*config.Target) *report.Report {
	memo, shared := newDiscoveryMemo(e.discovery), newPassMemo()
	return fanOut(len(targets), e.cfg.Concurrency, func(i int) report.TargetResult {
		res := e.checkTarget(ctx, targets[i], memo, shared)
		// Every target carries remediation (contract section 11): a check ran none.
		res.Remediation = &report.RemediationResult{Mode: targets[i].Remedy.Mode, Action: report.ActionNone, Reason: report.ReasonCheck}
		return res
	})
}

// fanOut runs one function per target, at most limit at once, and gathers
// the results in order. Every "all targets" path (check, reconcile, the
// daemon's start-up pass and POST /v1/reconcile without a target) uses it.
func fanOut(n, limit int, run func(i int) report.TargetResult) *report.Report {
	results := make([]report.TargetResult, n)
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
	return &report.Report{Targets: results}
}

// CheckTarget observes and evaluates one target.
func (e *Engine) CheckTarget(ctx context.Context, t *config.Target) report.TargetResult {
	pass := newPassMemo()
	if e.window != nil {
		pass = e.window.current()
	}
	if e.shared != nil {
		return e.checkTarget(ctx, t, e.shared, pass)
	}
	return e.checkTarget(ctx, t, newDiscoveryMemo(e.discovery), pass)
}

func (e *Engine) checkTarget(ctx context.Context, t *config.Target, memo *discoveryMemo, pass *passMemo) report.TargetResult {
	res := report.TargetResult{Name: t.Name, Findings: []checks.Finding{}, Errors: []report.ObservationError{}, ObservedAt: e.now().UTC()}
	obs := &checks.Observed{}
	var mu sync.Mutex
	fail := func(from string, err error) {
		mu.Lock()
		defer mu.Unlock()
		// The message is stored in history and sent on every pass: bound it
		// whatever the reader let through (a 100 MB errorSummary).
		msg := source.BoundMessage(e.scrub.String(err.Error()), source.MaxMessageBytes)
		res.Errors = append(res.Errors, report.ObservationError{Source: from, Message: msg})
	}
	org := e.orgFor(t)
	var wg sync.WaitGroup
	wg.Add(4)
	go func() {
		defer wg.Done()
		app, err := readSafely(org.source, func() (*checks.OktaApp, error) { return org.app.App(ctx, t.Okta.AppID) })
		if err != nil {
			obs.OktaAppMissing = errors.Is(err, source.ErrAppNotFound)
			fail(org.source, err)
			return
		}
		obs.Okta = app
	}()
	go func() {
		defer wg.Done()
		e.observeSignIn(ctx, t, org, pass, obs, fail)
	}()
	go func() {
		defer wg.Done()
		if e.envErr != nil {
			if err := e.envErr(t.Name); err != nil {
				fail("wandb", err)
			}
		}
		env, err := readSafely("wandb", func() (*checks.WandbEnv, error) { return e.envFor(t).Env(ctx) })
		if err != nil {
			fail("wandb", err)
			return
		}
		obs.Env, obs.Rollout = env, env.Rollout
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
	res.Observed = obs
	d := e.cfg.DesiredFor(t)
	d.TerraformValues = terraform.DeclaredValues(t)
	found := checks.Evaluate(d, obs)
	nameOrg(found, org)
	res.Findings = append(res.Findings, found...)
	res.Status = report.StatusOf(res.Findings, res.Errors)
	return res
}

// readSafely runs one read of the world. A reader that panics (a library
// meeting an answer it did not expect) fails that observation, which is
// status error, instead of the daemon: reads run on goroutines, where a
// panic would end the process.
func readSafely[T any](from string, read func() (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			var zero T
			v, err = zero, fmt.Errorf("reading %s failed unexpectedly (%v); treated as a failed read", from, p)
		}
	}()
	return read()
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
		c.doc, c.err = readSafely("discovery", func() (*checks.Discovery, error) { return d.f.Fetch(ctx, issuer) })
		if d.ttl > 0 {
			d.mu.Lock()
			c.at = d.now()
			d.mu.Unlock()
		}
	})
	return c.doc, c.err
}
