package daemon

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/robfig/cron/v3"

	"github.com/driftd/driftd/checks"
)

// Daemon is `driftd serve`: the scheduler and the HTTP API over the one
// reconcile path, with results kept in the store.
type Daemon struct {
	log     *slog.Logger
	metrics *Metrics
	store   *Store
	opts    DaemonOptions

	mu       sync.RWMutex
	cfg      *Config
	runner   *Runner
	cron     *cron.Cron
	entries  map[string]cron.EntryID
	notifier Notifier
	alerter  *Alerter
	replays  replayGuard

	ready   atomic.Bool
	baseCtx context.Context
	addr    string
}

// DaemonOptions lets tests swap parts of the daemon.
type DaemonOptions struct {
	Engine EngineOptions
	// Ready, when set, receives the listen address once serving.
	Ready func(addr string)
	// ShutdownGrace bounds how long a running apply may take to finish.
	ShutdownGrace time.Duration
	// SlackTransport carries Slack calls; nil means the default.
	SlackTransport http.RoundTripper
}

func (d *Daemon) config() *Config {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.cfg
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, ok := configOnly("serve", args, stderr)
	if !ok {
		return ExitError
	}
	log := NewLogger(stderr, slog.LevelInfo)
	if err := Serve(ctx, cfg, log, DaemonOptions{}); err != nil {
		log.Error("driftd stopped", "err", err)
		return ExitError
	}
	return ExitOK
}

// Serve runs the daemon until ctx is cancelled, then shuts down cleanly.
func Serve(ctx context.Context, cfg *Config, log *slog.Logger, opts DaemonOptions) error {
	if cfg.Server.Token.IsZero() {
		return errors.New("server.token: required for serve: the /v1 API takes a bearer token")
	}
	if opts.ShutdownGrace == 0 {
		opts.ShutdownGrace = time.Minute
	}
	store, err := OpenStore(cfg.StateDir, cfg.Retention)
	if err != nil {
		return err
	}
	defer store.Close()
	d := &Daemon{log: log, metrics: NewMetrics(), store: store, opts: opts, entries: map[string]cron.EntryID{}}
	// Runs outlive the request that started them; only shutdown ends them.
	runCtx, cancelRuns := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRuns()
	d.baseCtx = runCtx
	d.cfg = cfg
	d.alerter = NewAlerter(store, d.config, log, opts.SlackTransport)
	d.notifier = d.alerter
	if err := d.load(runCtx, cfg); err != nil {
		return fmt.Errorf("starting the schedule: %w", err)
	}
	deliveryCtx, stopDelivery := context.WithCancel(context.WithoutCancel(ctx))
	deliveryDone := make(chan struct{})
	go func() { d.alerter.Run(deliveryCtx); close(deliveryDone) }()
	defer func() { stopDelivery(); <-deliveryDone }()
	ln, err := net.Listen("tcp", cfg.Server.Listen)
	if err != nil {
		return fmt.Errorf("listening on %s (server.listen): %w", cfg.Server.Listen, err)
	}
	d.addr = ln.Addr().String()
	srv := &http.Server{
		Handler:           d.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		// No WriteTimeout: a reconcile with an apply legitimately takes minutes.
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server stopped", "err", err)
		}
	}()
	d.ready.Store(true)
	log.Info("driftd serving", "listen", d.addr, "targets", len(cfg.Targets), "version", BuildVersion())
	if opts.Ready != nil {
		opts.Ready(d.addr)
	}
	go d.runAll(runCtx, "startup")

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-hup:
			d.reload(runCtx)
			continue
		case <-ctx.Done():
		}
		break
	}
	log.Info("shutting down: no new runs; waiting for running ones", "grace", opts.ShutdownGrace)
	d.ready.Store(false)
	d.mu.RLock()
	stopped := d.cron.Stop()
	d.mu.RUnlock()
	shutCtx, cancel := context.WithTimeout(context.Background(), opts.ShutdownGrace)
	defer cancel()
	_ = srv.Shutdown(shutCtx)
	select {
	case <-stopped.Done():
	case <-shutCtx.Done():
		log.Warn("a run outlived the shutdown grace period; cancelling it")
	}
	cancelRuns()
	d.mu.RLock()
	d.runner.Wait(shutCtx)
	d.mu.RUnlock()
	log.Info("driftd stopped")
	return nil
}

// load builds the engine, runner and schedule for cfg.
func (d *Daemon) load(ctx context.Context, cfg *Config) error {
	opts := d.opts.Engine
	budget := checks.NewRateBudget(cfg.Okta.RateLimitReserve)
	opts.Transport = budget.Transport(opts.Transport)
	opts.OnResponse = d.metrics.observeOkta
	if opts.DiscoveryTTL == 0 {
		opts.DiscoveryTTL = 30 * time.Second
	}
	engine, err := NewEngine(ctx, cfg, d.log, opts)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.runner == nil {
		d.runner, err = NewRunner(ctx, engine, d.log, RunnerOptions{Backoff: d.store})
		if err != nil {
			return fmt.Errorf("building the reconcile path: %w", err)
		}
	} else {
		d.runner.setEngine(engine)
	}
	if d.cron != nil {
		d.cron.Stop()
	}
	d.cfg = cfg
	d.cron = cron.New(cron.WithParser(CronParser), cron.WithLocation(time.UTC))
	d.entries = map[string]cron.EntryID{}
	for i := range cfg.Targets {
		t := &cfg.Targets[i]
		spec := cfg.Schedule
		if t.Schedule != "" {
			spec = t.Schedule
		}
		sched, err := CronParser.Parse(spec)
		if err != nil {
			return fmt.Errorf("targets[%d].schedule: %w", i, err)
		}
		maxJitter := jitterBound(sched)
		name := t.Name
		id := d.cron.Schedule(sched, cron.FuncJob(func() {
			// Jitter spreads a fleet's passes so they do not hit Okta in the same second.
			if maxJitter > 0 {
				select {
				case <-time.After(rand.N(maxJitter)):
				case <-ctx.Done():
					return
				}
			}
			if _, err := d.Run(ctx, name, "schedule"); err != nil {
				var busy *BusyError
				if errors.As(err, &busy) {
					d.log.Info("skipping scheduled run: the previous one is still going", "target", name, "run", busy.RunID)
				}
			}
		}))
		d.entries[t.Name] = id
	}
	d.cron.Start()
	return nil
}

// jitterBound is the most a run is delayed: 10% of the schedule's period,
// so a fleet spreads out but an "@every 1s" schedule still runs each second.
func jitterBound(s cron.Schedule) time.Duration { return interval(s) / 10 }

// interval estimates a schedule's period from two consecutive firings.
func interval(s cron.Schedule) time.Duration {
	if c, ok := s.(cron.ConstantDelaySchedule); ok {
		return c.Delay
	}
	a := s.Next(time.Now())
	return s.Next(a).Sub(a)
}

// reload re-reads the config file on SIGHUP; a bad file keeps the old one.
func (d *Daemon) reload(ctx context.Context) {
	d.mu.RLock()
	path := d.cfg.Path
	d.mu.RUnlock()
	cfg, err := LoadConfig(path)
	if err == nil {
		err = d.load(ctx, cfg)
	}
	if err != nil {
		d.metrics.configReloads.WithLabelValues("error").Inc()
		d.log.Error("config reload failed; keeping the running config", "path", path, "err", err)
		return
	}
	d.metrics.configReloads.WithLabelValues("ok").Inc()
	d.log.Info("config reloaded", "path", path, "targets", len(cfg.Targets))
}

// Run is the daemon's one run path for a target: cron, the HTTP endpoint
// and approvals all come through here.
func (d *Daemon) Run(ctx context.Context, name, trigger string) (TargetResult, error) {
	d.mu.RLock()
	cfg, runner := d.cfg, d.runner
	d.mu.RUnlock()
	t, ok := cfg.Target(name)
	if !ok {
		return TargetResult{}, &UnknownTargetError{Name: name}
	}
	d.metrics.runsInProgress.Inc()
	defer d.metrics.runsInProgress.Dec()
	start := time.Now()
	res, runID, err := runner.reconcileWithID(ctx, t, trigger)
	if err != nil {
		return res, err
	}
	d.finish(ctx, t, res, runID, trigger, start)
	return res, nil
}

// finish records a run, logs it and hands it to the notifier.
func (d *Daemon) finish(ctx context.Context, t *Target, res TargetResult, runID, trigger string, start time.Time) {
	name := t.Name
	took := time.Since(start)
	d.metrics.observeResult(&res, took.Seconds())
	ep, open, serr := d.store.Record(RunRecord{ID: runID, Trigger: trigger, Started: start.UTC(), Duration: took, Result: res})
	if serr != nil {
		d.log.Error("recording run", "target", name, "err", serr)
	}
	attrs := []any{"target", name, "run", runID, "trigger", trigger, "status", res.Status,
		"findings", len(res.Findings), "errors", len(res.Errors), "duration_ms", took.Milliseconds()}
	if open {
		attrs = append(attrs, "drift_since", ep.FirstSeen)
	}
	if res.Remediation != nil {
		attrs = append(attrs, "remediation", res.Remediation.Action)
	}
	d.log.Info("pass", attrs...)
	d.notifier.Notify(ctx, t, &res)
}

func (d *Daemon) runAll(ctx context.Context, trigger string) *Report {
	d.mu.RLock()
	cfg := d.cfg
	d.mu.RUnlock()
	return fanOut(len(cfg.Targets), cfg.Concurrency, func(i int) TargetResult {
		name := cfg.Targets[i].Name
		return whenFree(ctx, name, func() (TargetResult, error) { return d.Run(ctx, name, trigger) })
	})
}

// Handler is the daemon's HTTP API.
func (d *Daemon) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !d.ready.Load() {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(d.metrics.Registry, promhttp.HandlerOpts{}))
	mux.Handle("GET /v1/status", d.auth(http.HandlerFunc(d.handleStatus)))
	mux.Handle("POST /v1/reconcile", d.auth(http.HandlerFunc(d.handleReconcile)))
	mux.HandleFunc("POST /v1/slack/interactions", d.handleInteraction)
	return mux
}

// auth checks the bearer token in constant time.
func (d *Daemon) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.mu.RLock()
		want := d.cfg.Server.Token.Reveal()
		d.mu.RUnlock()
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="driftd"`)
			writeError(w, http.StatusUnauthorized, "missing or invalid bearer token")
			return
		}
		next.ServeHTTP(w, r)
	})
}

type statusTarget struct {
	TargetResult
	DriftSince *time.Time `json:"drift_since,omitempty"`
	NextRun    *time.Time `json:"next_run,omitempty"`
	RunningRun string     `json:"running_run,omitempty"`
}

func (d *Daemon) handleStatus(w http.ResponseWriter, _ *http.Request) {
	last, err := d.store.LastResults()
	if err != nil {
		writeError(w, http.StatusInternalServerError, "reading the store failed")
		return
	}
	d.mu.RLock()
	cfg, c, entries, runner := d.cfg, d.cron, d.entries, d.runner
	d.mu.RUnlock()
	out := struct {
		Targets []statusTarget `json:"targets"`
	}{Targets: []statusTarget{}}
	for _, t := range cfg.Targets {
		st := statusTarget{TargetResult: TargetResult{Name: t.Name, Status: "pending", Findings: []checks.Finding{}, Errors: []ObservationError{}}}
		if r, ok := last[t.Name]; ok {
			st.TargetResult = r
		}
		if ep, ok, _ := d.store.Episode(t.Name); ok {
			since := ep.FirstSeen
			st.DriftSince = &since
		}
		if id, ok := entries[t.Name]; ok {
			if next := c.Entry(id).Next; !next.IsZero() {
				st.NextRun = &next
			}
		}
		st.RunningRun = runner.runningID(t.Name)
		out.Targets = append(out.Targets, st)
	}
	writeJSON(w, http.StatusOK, out)
}

func (d *Daemon) handleReconcile(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Target string `json:"target"`
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	data, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, "request body too large")
		return
	}
	if len(strings.TrimSpace(string(data))) > 0 {
		dec := json.NewDecoder(strings.NewReader(string(data)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&body); err != nil {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("malformed body: %v; want {\"target\": \"NAME\"} or nothing", err))
			return
		}
	}
	// The run belongs to the daemon, not the request: a client that hangs
	// up never cancels it.
	ctx := d.baseCtx
	if body.Target == "" {
		writeJSON(w, http.StatusOK, d.runAll(ctx, "api"))
		return
	}
	res, err := d.Run(ctx, body.Target, "api")
	var busy *BusyError
	var unknown *UnknownTargetError
	switch {
	case errors.As(err, &unknown):
		writeError(w, http.StatusNotFound, unknown.Error())
	case errors.As(err, &busy):
		writeJSON(w, http.StatusConflict, map[string]string{"error": busy.Error(), "run_id": busy.RunID})
	case err != nil:
		writeError(w, http.StatusInternalServerError, "run failed")
	default:
		writeJSON(w, http.StatusOK, &Report{Targets: []TargetResult{res}})
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
