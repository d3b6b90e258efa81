// Package api is driftd's HTTP surface: the health and readiness probes, the
// Prometheus metrics, the bearer-protected /v1 API over the daemon's one
// run path, /-/reload, the read-only status page at / (ui.go), the Okta
// Event Hook (events.go) and Slack's signed approval clicks (slack.go). It
// owns request parsing, authentication (bearer, Slack's signature, the
// hook's secret) and the JSON answers; it never runs a check itself and
// must not import package daemon (the daemon hands it a Backend) nor a
// notifier (daemon/notify/...: the daemon replies in Slack for it).
package api

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
)

// Backend is the daemon as the API sees it.
type Backend interface {
	// Ready says whether the config is loaded and the store open.
	Ready() bool
	// Token is the bearer token /v1 requires now (it follows reloads).
	Token() string
	// Run runs one target now, on the daemon's own context: a client that
	// hangs up never cancels a run (or an apply).
	Run(target, trigger string) (report.TargetResult, error)
	// RunAll runs every target, waiting for busy ones.
	RunAll(trigger string) *report.Report
	// Status is every target's last result and schedule.
	Status(ctx context.Context) ([]TargetStatus, error)
	// TargetStatus is one target's; an unknown target is a
	// *config.UnknownTargetError.
	TargetStatus(ctx context.Context, target string) (TargetStatus, error)
	// Runs is a page of the stored run history, newest first; a bad
	// cursor is a *QueryError.
	Runs(ctx context.Context, q RunsQuery) (RunsPage, error)
	// Reload re-reads the config file as SIGHUP does; a refused config is
	// a *ReloadError.
	Reload(ctx context.Context) (ReloadResult, error)
}

// TargetStatus is one target in GET /v1/status.
type TargetStatus struct {
	report.TargetResult
	DriftSince *time.Time `json:"drift_since,omitempty"`
	NextRun    *time.Time `json:"next_run,omitempty"`
	RunningRun string     `json:"running_run,omitempty"`
	// OktaAppURL is the app's page in the Okta admin console and WandbURL
	// W&B's system admin page, as the Slack alert links them; the status
	// page shows them ("" when there is no such page).
	OktaAppURL string `json:"-"`
	WandbURL   string `json:"-"`
}

// Options adds handlers the API mounts but does not own.
type Options struct {
	// SlackApprovals turns on POST /v1/slack/interactions, Slack's signed
	// "Apply fix" clicks (slack.go); Slack cannot send our bearer token, so
	// the endpoint authenticates by Slack's signature.
	SlackApprovals SlackApprovals
	// BodyTimeout bounds how long a request body may take to arrive
	// (default 5s): a body that never ends gets 408 quickly.
	BodyTimeout time.Duration
	// OktaEvents takes Okta Event Hook deliveries (events.go).
	OktaEvents OktaEvents
	// UI says, at each request, whether the status page at / is on
	// (server.ui); nil never mounts it.
	UI func() bool
	// Now is the status page's clock (relative times are from it) and the
	// credential throttle's; nil is time.Now.
	Now func() time.Time
}

// maxBody bounds a /v1/reconcile body; {"target": "NAME"} is far smaller.
const maxBody = 4 << 10

// NewHandler is the daemon's HTTP API.
func NewHandler(b Backend, m *Metrics, opts Options) http.Handler {
	h := &handler{b: b, bodyTimeout: opts.BodyTimeout, throttle: newLoginThrottle()}
	if opts.Now != nil {
		h.throttle.now = opts.Now
	}
	if h.bodyTimeout == 0 {
		h.bodyTimeout = 5 * time.Second
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !b.Ready() {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
	mux.Handle("GET /v1/status", h.auth(http.HandlerFunc(h.status)))
	mux.Handle("POST /v1/reconcile", h.auth(http.HandlerFunc(h.reconcile)))
	mux.Handle("GET /v1/status/{target}", h.auth(http.HandlerFunc(h.targetStatus)))
	mux.Handle("GET /v1/runs", h.auth(http.HandlerFunc(h.runs)))
	mux.Handle("POST /-/reload", h.auth(http.HandlerFunc(h.reload)))
	if opts.UI != nil {
		u := newUI(b, opts.UI, h.throttle)
		if opts.Now != nil {
			u.now = opts.Now
		}
		u.mount(mux, h.bodyDeadline)
	}
	if opts.SlackApprovals != nil {
		mux.Handle("POST /v1/slack/interactions", h.bodyDeadline(slackInteractions(opts.SlackApprovals, h.throttle, time.Now)))
	}
	if opts.OktaEvents != nil {
		mux.Handle("/v1/okta/events", h.bodyDeadline(oktaEvents(opts.OktaEvents, h.throttle)))
	}
	return jsonNotFound(mux)
}

type handler struct {
	b           Backend
	bodyTimeout time.Duration
	// throttle is the one throttle of every credential check: bearer,
	// POST /login, the Event Hook secret and Slack's signature (throttle.go).
	throttle *loginThrottle
}

// auth checks the bearer token in constant time, unless the client is
// throttled (429, nothing evaluated). The scheme is case-insensitive (RFC
// 7235 section 2.1), so "bearer" works as "Bearer".
func (h *handler) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client := clientOf(r)
		if h.throttle.refuseThrottled(w, client) {
			return
		}
		scheme, got, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		got = strings.TrimLeft(got, " ")
		if !strings.EqualFold(scheme, "Bearer") || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(h.b.Token())) != 1 {
			h.throttle.fail(client)
			w.Header().Set("WWW-Authenticate", `Bearer realm="driftd"`)
			writeError(w, http.StatusUnauthorized, "missing or invalid bearer token")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (h *handler) status(w http.ResponseWriter, r *http.Request) {
	targets, err := h.b.Status(r.Context())
	if err != nil {
		writeError(w, http.StatusInternalServerError, "reading the store failed")
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Targets []TargetStatus `json:"targets"`
	}{Targets: targets})
}

func (h *handler) reconcile(w http.ResponseWriter, r *http.Request) {
	body, status, msg := h.readTarget(w, r)
	if status != 0 {
		writeError(w, status, msg)
		return
	}
	if body.Target == "" {
		writeJSON(w, http.StatusOK, h.b.RunAll("api"))
		return
	}
	res, err := h.b.Run(body.Target, "api")
	var busy *report.BusyError
	var unknown *config.UnknownTargetError
	switch {
	case errors.As(err, &unknown):
		writeError(w, http.StatusNotFound, unknown.Error())
	case errors.As(err, &busy):
		writeJSON(w, http.StatusConflict, map[string]string{"error": busy.Error(), "run_id": busy.RunID})
	case err != nil:
		writeError(w, http.StatusInternalServerError, "run failed")
	default:
		writeJSON(w, http.StatusOK, &report.Report{Targets: []report.TargetResult{res}})
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
