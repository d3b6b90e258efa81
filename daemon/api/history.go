package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
)

// Run is one stored run in GET /v1/runs.
type Run struct {
	ID      string    `json:"id"`
	Target  string    `json:"target"`
	Trigger string    `json:"trigger"`
	Started time.Time `json:"started"`
	// DurationSeconds is how long the run took.
	DurationSeconds float64             `json:"duration_seconds"`
	Result          report.TargetResult `json:"result"`
}

// RunsQuery is what GET /v1/runs asks for.
type RunsQuery struct {
	// Target keeps one target's runs; empty means all.
	Target string
	// Before is the next cursor of a previous page or an RFC 3339 time.
	Before string
	// Limit is the page size, 1 to MaxRunsLimit.
	Limit int
}

// RunsPage is a page of GET /v1/runs: newest first, with the cursor of
// the following page (empty on the last).
type RunsPage struct {
	Runs []Run  `json:"runs"`
	Next string `json:"next,omitempty"`
}

// Page sizes of GET /v1/runs.
const (
	DefaultRunsLimit = 50
	MaxRunsLimit     = 500
)

// QueryError is a query parameter the API refuses (400).
type QueryError struct {
	Param  string
	Reason string
}

func (e *QueryError) Error() string { return e.Param + ": " + e.Reason }

// ReloadResult is what POST /-/reload loaded.
type ReloadResult struct {
	Path    string   `json:"path"`
	Targets []string `json:"targets"`
	// RestartNeeded names changed settings that take effect only after a
	// restart (server.listen, state_dir, retention).
	RestartNeeded []string `json:"restart_needed,omitempty"`
}

// ReloadError is a reload that kept the running config: Invalid when the
// file was refused (400), otherwise applying it failed (500). Its message
// must already be free of secrets.
type ReloadError struct {
	Invalid bool
	Err     error
}

func (e *ReloadError) Error() string { return e.Err.Error() }

func (e *ReloadError) Unwrap() error { return e.Err }

func (h *handler) targetStatus(w http.ResponseWriter, r *http.Request) {
	st, err := h.b.TargetStatus(r.Context(), r.PathValue("target"))
	var unknown *config.UnknownTargetError
	switch {
	case errors.As(err, &unknown):
		writeError(w, http.StatusNotFound, unknown.Error())
	case err != nil:
		writeError(w, http.StatusInternalServerError, "reading the store failed")
	default:
		writeJSON(w, http.StatusOK, st)
	}
}

func (h *handler) runs(w http.ResponseWriter, r *http.Request) {
	q, err := parseRunsQuery(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	page, err := h.b.Runs(r.Context(), q)
	var bad *QueryError
	var unknown *config.UnknownTargetError
	switch {
	case errors.As(err, &unknown):
		writeError(w, http.StatusNotFound, unknown.Error())
	case errors.As(err, &bad):
		writeError(w, http.StatusBadRequest, bad.Error())
	case err != nil:
		writeError(w, http.StatusInternalServerError, "reading the run history failed")
	default:
		writeJSON(w, http.StatusOK, page)
	}
}

// parseRunsQuery refuses unknown and repeated parameters, so a typo
// (?targte=prod) is an error rather than every target's history.
func parseRunsQuery(v url.Values) (RunsQuery, error) {
	q := RunsQuery{Limit: DefaultRunsLimit}
	for name, vals := range v {
		if len(vals) > 1 {
			return q, &QueryError{Param: name, Reason: "given more than once"}
		}
		switch name {
		case "target":
			q.Target = vals[0]
		case "before":
			q.Before = vals[0]
		case "limit":
			n, err := strconv.Atoi(vals[0])
			if err != nil || n < 1 || n > MaxRunsLimit {
				return q, &QueryError{Param: "limit", Reason: fmt.Sprintf("%q is not a whole number from 1 to %d", vals[0], MaxRunsLimit)}
			}
			q.Limit = n
		default:
			return q, &QueryError{Param: name, Reason: "unknown parameter; want target, limit or before"}
		}
	}
	return q, nil
}

func (h *handler) reload(w http.ResponseWriter, r *http.Request) {
	res, err := h.b.Reload(r.Context())
	var rerr *ReloadError
	switch {
	case errors.As(err, &rerr) && rerr.Invalid:
		writeError(w, http.StatusBadRequest, "config refused, the running config stays: "+rerr.Error())
	case errors.As(err, &rerr):
		writeError(w, http.StatusInternalServerError, "config reload failed, the running config stays: "+rerr.Error())
	case err != nil:
		writeError(w, http.StatusInternalServerError, "config reload failed, the running config stays")
	default:
		writeJSON(w, http.StatusOK, res)
	}
}
