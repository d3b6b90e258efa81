package oktasim

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// FaultKind is a failure the simulator can inject.
type FaultKind int

// Faults: an HTTP status with Okta's error body, a slow answer, a
// connection dropped without an answer, or a request held until a test
// releases it.
const (
	FaultStatus FaultKind = iota
	FaultSlow
	FaultDrop
	FaultHold
)

// Fault is one injected failure.
type Fault struct {
	Kind   FaultKind
	Status int           // FaultStatus: 401, 403, 404, 429, 500, 503...
	Delay  time.Duration // FaultSlow: how long to stall before answering normally
	// ResetIn sets X-Rate-Limit-Reset for a 429, relative to now.
	ResetIn time.Duration
	// Hold is FaultHold's barrier.
	Hold *Hold
}

// Hold is a barrier for tests, not an Okta behaviour: the request that
// consumes a FaultHold says it is inside the simulator (Entered) and
// waits there, before any answer, until Release or until its client
// goes away. A test reaches "a pass is waiting on Okta" through it
// instead of a sleep.
type Hold struct {
	entered, release chan struct{}
	enterOnce        sync.Once
	releaseOnce      sync.Once
}

// NewHold returns a closed barrier.
func NewHold() *Hold {
	return &Hold{entered: make(chan struct{}), release: make(chan struct{})}
}

// Entered is closed once a request is held.
func (h *Hold) Entered() <-chan struct{} { return h.entered }

// Release lets the held request go on to its normal answer.
func (h *Hold) Release() { h.releaseOnce.Do(func() { close(h.release) }) }

// InjectFaults queues faults; each API request (/api/v1/*, the System Log
// included) consumes the next one.
func (s *Server) InjectFaults(f ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f...)
}

// SetOutage makes every API request fail with f until ClearOutage.
func (s *Server) SetOutage(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stickyErr = &f
}

// ClearOutage ends an outage and drops queued faults.
func (s *Server) ClearOutage() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stickyErr = nil
	s.faults = nil
}

// SetLatency adds a delay to every answer (Okta's own latency).
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

func (s *Server) nextFault() (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stickyErr != nil {
		return *s.stickyErr, true
	}
	if len(s.faults) == 0 {
		return Fault{}, false
	}
	f := s.faults[0]
	s.faults = s.faults[1:]
	return f, true
}

// applyFault plays the next injected fault; it reports true when the
// request has been answered (or dropped) by it.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request) bool {
	fault, ok := s.nextFault()
	if !ok {
		return false
	}
	switch fault.Kind {
	case FaultDrop:
		if rec, ok := w.(*statusRecorder); ok {
			rec.status = 0
		}
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
			return true
		}
		panic(http.ErrAbortHandler)
	case FaultSlow:
		select {
		case <-time.After(fault.Delay):
		case <-r.Context().Done():
			return true
		}
	case FaultHold:
		fault.Hold.enterOnce.Do(func() { close(fault.Hold.entered) })
		select {
		case <-fault.Hold.release:
		case <-r.Context().Done():
			return true
		}
	case FaultStatus:
		s.rateHeaders(w, r, fault)
		writeFault(w, fault.Status)
		return true
	}
	return false
}

// rateBuckets are Okta's rate-limit counters, one per bucket: "Okta
// implements rate limits using buckets. A rate limiting bucket is a
// collection of one or more endpoints that share a defined quota of calls
// per unit of time", and "Counters typically reset every 60 seconds,
// though they aren't necessarily synchronized with wall clock minutes (for
// example, a period may run from 12:00:20 to 12:01:19)"
// (okta/okta-developer-docs docs/reference/rate-limits/index.md). A
// bucket's window starts with its first request after the last one ended.
type rateBuckets struct {
	limits  map[string]int // per bucket; else Server.limit
	windows map[string]*rateWindow
}

type rateWindow struct {
	remaining int
	reset     time.Time
}

// rateBucket is the bucket of a management API request, from Okta's
// "Management rate limits" table (okta-developer-docs docs/reference/
// rl-global-mgmt/index.md as of commit 6de7f89f90^): /api/v1/apps/{id}
// apart from other /api/v1/apps* calls, /api/v1/groups, /api/v1/groups/{id},
// /api/v1/users, /api/v1/users/{id}, /api/v1/logs, and "Most other API
// actions: /api/v1".
func rateBucket(method, path string) string {
	segs := strings.Split(strings.Trim(strings.TrimPrefix(path, "/api/v1/"), "/"), "/")
	switch {
	case segs[0] == "apps" && len(segs) == 2:
		return "/api/v1/apps/{id}"
	case segs[0] == "apps":
		return "/api/v1/apps*"
	case segs[0] == "groups" && len(segs) == 1:
		return "/api/v1/groups"
	case segs[0] == "groups" && len(segs) == 2:
		return "/api/v1/groups/{id}"
	case segs[0] == "users" && len(segs) == 1 && (method == http.MethodGet || method == http.MethodPost):
		return "/api/v1/users"
	case segs[0] == "users" && len(segs) == 2:
		return "/api/v1/users/{id}"
	case (segs[0] == "logs" || segs[0] == "events") && len(segs) == 1:
		return "/api/v1/" + segs[0]
	}
	return "/api/v1"
}

// rateHeaders sets Okta's rate-limit headers for the request's bucket and
// spends one request of its window; it reports false when the window is
// exhausted.
func (s *Server) rateHeaders(w http.ResponseWriter, r *http.Request, f Fault) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	bucket := rateBucket(r.Method, r.URL.Path)
	limit, ok := s.rate.limits[bucket]
	if !ok {
		limit = s.limit
	}
	win := s.rate.windows[bucket]
	if win == nil || !now.Before(win.reset) {
		// X-Rate-Limit-Reset carries whole seconds: so does the window.
		win = &rateWindow{remaining: limit, reset: now.Truncate(time.Second).Add(time.Minute)}
		s.rate.windows[bucket] = win
	}
	reset := win.reset
	ok = true
	if f.Status == http.StatusTooManyRequests {
		reset = now.Add(f.ResetIn)
		w.Header().Set("X-Rate-Limit-Remaining", "0")
		ok = false
	} else if win.remaining <= 0 {
		w.Header().Set("X-Rate-Limit-Remaining", "0")
		ok = false
	} else {
		win.remaining--
		w.Header().Set("X-Rate-Limit-Remaining", fmt.Sprint(win.remaining))
	}
	w.Header().Set("X-Rate-Limit-Limit", fmt.Sprint(limit))
	w.Header().Set("X-Rate-Limit-Reset", fmt.Sprint(reset.Unix()))
	return ok
}

var faultBodies = map[int][2]string{
	http.StatusUnauthorized:        {"E0000011", "Invalid token provided"},
	http.StatusForbidden:           {"E0000006", "You do not have permission to perform the requested action"},
	http.StatusNotFound:            {"E0000007", "Not found: Resource not found: (AppInstance)"},
	http.StatusTooManyRequests:     {"E0000047", "API call exceeded rate limit due to too many requests."},
	http.StatusInternalServerError: {"E0000009", "Internal Server Error"},
	http.StatusServiceUnavailable:  {"E0000010", "Service is in read only mode"},
}

func writeFault(w http.ResponseWriter, status int) {
	b, ok := faultBodies[status]
	if !ok {
		b = [2]string{"E0000009", http.StatusText(status)}
	}
	writeError(w, status, b[0], b[1])
}
