package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/driftd/driftd/daemon/api"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/notify"
	"github.com/driftd/driftd/daemon/notify/alertmanager"
	"github.com/driftd/driftd/daemon/notify/slack"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/daemon/store"
	"github.com/robfig/cron/v3"
)

// Daemon is `driftd serve`: the scheduler and the HTTP API over the one
// reconcile path, with results kept in the store.
type Daemon struct {
	log     *slog.Logger
	metrics *api.Metrics
	store   *store.Store
	opts    DaemonOptions

	mu           sync.RWMutex
	cfg          *config.Config
	runner       *Runner
	cron         *cron.Cron
	entries      map[string]cron.EntryID // target -> its cron entry
	specs        map[string]string       // target -> the schedule spec of its entry
	notifier     Notifier
	alerter      *slack.Alerter
	am           *alertmanager.Alerter
	stopDelivery context.CancelFunc
	deliveryDone chan struct{}
	alertLocks   sync.Map   // target -> *sync.Mutex, see alerts
	events       *eventPath // the change-event path (events.go)
	reloadMu     sync.Mutex // one reload at a time (SIGHUP, POST /-/reload)
	closing      bool       // under reloadMu: shutdown began, reloads are refused

	bg      sync.WaitGroup // background runs, see background
	ready   atomic.Bool
	baseCtx context.Context
	addr    string
}

// Notifier tells people about a target's result. The daemon calls it after
// every run; deciding whether a message is due is the notifier's business.
type Notifier interface {
	Notify(ctx context.Context, t *config.Target, res *report.TargetResult)
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

func (d *Daemon) config() *config.Config {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.cfg
}

// Serve runs the daemon until ctx is cancelled, then shuts down cleanly.
func Serve(ctx context.Context, cfg *config.Config, log *slog.Logger, opts DaemonOptions) error {
	if err := servable(cfg); err != nil {
		return err
	}
	if opts.ShutdownGrace == 0 {
		opts.ShutdownGrace = time.Minute
	}
	st, err := store.OpenStore(cfg.StateDir, cfg.Retention)
	if err != nil {
		return err
	}
	defer st.Close()
	d := &Daemon{log: log, metrics: api.NewMetrics(), store: st, opts: opts, entries: map[string]cron.EntryID{}}
	// After every run has ended (the deferred waits below run first).
	defer d.closeEngines()
	// Runs started in the background (start-up pass, approvals, replans,
	// full passes) end before the store closes.
	defer d.waitBackground()
	logLoosened(log, cfg.StateDir, st)
	// Runs outlive the request that started them; only shutdown ends them.
	runCtx, cancelRuns := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRuns()
	d.baseCtx = runCtx
	d.cfg = cfg
	// Alertmanager lives as long as the daemon (inert without its config
	// section); the Slack alerter is replaced on reload.
	defer d.startAlertmanager(ctx, st)()
	d.useAlerter(ctx, d.newAlerter())
	defer d.stopAlerts()
	if err := d.load(runCtx, cfg); err != nil {
		return fmt.Errorf("starting the schedule: %w", err)
	}
	stopEvents, err := d.startEvents(runCtx)
	if err != nil {
		return fmt.Errorf("starting the change-event path: %w", err)
	}
	defer stopEvents()
	srv, err := d.listen(cfg.Server.Listen)
	if err != nil {
		return err
	}
	d.ready.Store(true)
	log.Info("driftd serving", "listen", d.addr, "targets", len(cfg.Targets), "version", BuildVersion())
	if opts.Ready != nil {
		opts.Ready(d.addr)
	}
	d.background(func() { d.runAll(runCtx, "startup") })
	d.waitForShutdown(ctx, runCtx)
	d.shutdown(srv, cancelRuns)
	return nil
}

// servable is what serve refuses in a config that loads. Start-up and
// every reload ask it, so a reload can never take a config start-up
// would refuse (one without server.token locks out every bearer request).
func servable(cfg *config.Config) error {
	if cfg.Server.Token.IsZero() {
		return errors.New("server.token: required for serve: the /v1 API takes a bearer token")
	}
	return nil
}

// background runs f on its own goroutine; Serve waits for it before the
// store closes, so nothing writes to a closed store or outlives serve.
func (d *Daemon) background(f func()) {
	d.bg.Add(1)
	go func() { defer d.bg.Done(); f() }()
}

// waitBackground waits for the background runs, which end soon once
// shutdown has cancelled their context; it gives up after haltWait.
func (d *Daemon) waitBackground() {
	done := make(chan struct{})
	go func() { d.bg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(haltWait):
		d.log.Warn("a background run outlived shutdown")
	}
}

// logLoosened says when state_dir was tightened: someone may rely on
// reading it, and it held plans and var files readable by others.
func logLoosened(log *slog.Logger, dir string, st *store.Store) {
	if m := st.Loosened(); m != 0 {
		log.Warn("state_dir was readable by others; tightened it to 0700", "state_dir", dir, "was", fmt.Sprintf("%#o", m))
	}
}

// listen starts the HTTP API on addr.
func (d *Daemon) listen(addr string) (*http.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s (server.listen): %w", addr, err)
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
			d.log.Error("http server stopped", "err", err)
		}
	}()
	return srv, nil
}

// Handler is the daemon's HTTP API.
func (d *Daemon) Handler() http.Handler {
	return api.NewHandler(backend{d}, d.metrics, api.Options{SlackApprovals: approvals{d}, OktaEvents: d.oktaEvents(),
		UI: func() bool { return d.config().Server.UIEnabled() }})
}

// newAlerter builds the Slack notifier (bot, webhook or log) the current
// config asks for.
func (d *Daemon) newAlerter() *slack.Alerter {
	return slack.NewAlerter(d.store, d.config, d.log, d.opts.SlackTransport, notify.Clock{})
}

// useAlerter makes a the notifier and starts its delivery. The previous
// alerter's delivery is stopped first, so one deliverer owns the outbox;
// what it had queued is delivered by a's sender.
func (d *Daemon) useAlerter(ctx context.Context, a *slack.Alerter) {
	d.mu.Lock()
	d.alerter, d.notifier = a, notifiers{a, d.am}
	d.mu.Unlock()
	d.stopAlerts()
	dctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() { a.Run(dctx); close(done) }()
	d.mu.Lock()
	d.stopDelivery, d.deliveryDone = stop, done
	d.mu.Unlock()
}

// stopAlerts stops the running delivery and waits for it.
func (d *Daemon) stopAlerts() {
	d.mu.Lock()
	stop, done := d.stopDelivery, d.deliveryDone
	d.stopDelivery, d.deliveryDone = nil, nil
	d.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
}

func (d *Daemon) alerterRef() *slack.Alerter {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.alerter
}

func (d *Daemon) notifierRef() Notifier {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.notifier
}

// waitForShutdown reloads the config on SIGHUP until ctx ends.
func (d *Daemon) waitForShutdown(ctx, runCtx context.Context) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-hup:
			d.reload(runCtx)
		case <-ctx.Done():
			return
		}
	}
}

// haltWait bounds the wait for halted runs: Terraform's SIGINT grace and
// then the kill of its process group.
const haltWait = 10 * time.Second

// shutdown stops the schedule and the API, lets running runs finish within
// the grace period, then cancels what is left.
func (d *Daemon) shutdown(srv *http.Server, cancelRuns context.CancelFunc) {
	grace := d.opts.ShutdownGrace
	d.log.Info("shutting down: no new runs; waiting for running ones", "grace", grace)
	d.ready.Store(false)
	// A reload in flight (POST /-/reload is still served until
	// srv.Shutdown) finishes first; a later one is refused, so no new
	// schedule starts after this one stops.
	d.reloadMu.Lock()
	d.closing = true
	d.reloadMu.Unlock()
	d.mu.RLock()
	stopped := d.cron.Stop()
	d.mu.RUnlock()
	shutCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	_ = srv.Shutdown(shutCtx)
	select {
	case <-stopped.Done():
	case <-shutCtx.Done():
		d.log.Warn("a run outlived the shutdown grace period; cancelling it")
	}
	cancelRuns()
	runner := d.runnerRef()
	runner.Wait(shutCtx)
	if shutCtx.Err() != nil {
		// Past the grace even an apply stops: its Terraform process group
		// is interrupted, then killed, so nothing outlives driftd.
		runner.Halt()
		haltCtx, cancelHalt := context.WithTimeout(context.Background(), haltWait)
		defer cancelHalt()
		runner.Wait(haltCtx)
	}
	d.log.Info("driftd stopped")
}

// closeEngines drops the engine's idle connections once no run is left.
func (d *Daemon) closeEngines() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.runner != nil {
		d.runner.eng().Close()
	}
}
