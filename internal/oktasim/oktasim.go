// Package oktasim is a local Okta API simulator for tests and `driftd demo`.
//
// It serves the parts of the Okta management API that driftd and its test
// Terraform provider use, with Okta's JSON shapes, defaults, validation
// errors and headers (Content-Type, Date, X-Okta-Request-Id, the
// X-Rate-Limit-Limit/Remaining/Reset trio): apps (apps.go, validated like
// Okta in validate.go), groups and app assignments (groups.go), trusted
// origins (origins.go), custom authorization servers with their access
// policies and rules (authservers.go), the System Log and Event Hook
// deliveries (syslog.go, hooks.go), OIDC discovery (discovery.go) and the
// OAuth 2.0 client-credentials flow of service apps (oauth.go). Every
// change, through the API or the admin-edit helpers that stand for the
// admin console, is validated and recorded in the System Log. Tests inject
// faults (faults.go) and count requests.
//
// The real sources each rule follows are cited next to it:
// okta/okta-management-openapi-spec, okta/okta-sdk-golang v2.20.0,
// okta/terraform-provider-okta and okta/okta-developer-docs.
package oktasim

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Request is one request the simulator received.
type Request struct {
	Method string
	Path   string
	Status int
	Start  time.Time
	End    time.Time
}

// Server is a running simulator.
type Server struct {
	URL   string
	Token string

	srv *httptest.Server

	mu        sync.Mutex
	apps      map[string]*App
	faults    []Fault // consumed one per API request
	stickyErr *Fault  // applied to every API request until cleared
	latency   time.Duration
	requests  []Request
	counts    map[string]int
	limit     int
	rate      rateBuckets // per-bucket windows (faults.go)
	clock     atomic.Pointer[func() time.Time]
	born      time.Time // when the org was made: its admin's and default objects' created
	maxLog    int

	dir         directory             // groups, assignments, app users
	orgs        originStore           // trusted origins
	as          asStore               // authorization servers, policies, rules
	oauth       oauthState            // service apps and issued tokens
	log         eventLog              // System Log
	pol         map[string]*orgPolicy // the org's policies (/api/v1/policies)
	people      map[string]*person    // the org's users
	featuresOff map[string]bool       // API path prefixes of features the org lacks
	hooks       []eventHook           // Event Hook targets
	hookWG      sync.WaitGroup
	// hookGate holds Event Hook deliveries (HoldEventHooks).
	hookGate hookGate
}

// Options configures a simulator.
type Options struct {
	// Token is the SSWS API token it accepts; empty picks a random one.
	Token string
	// RateLimit is the per-minute limit of every rate-limit bucket of
	// /api/v1/*; 0 means 600.
	RateLimit int
	// BucketLimits overrides RateLimit per bucket, named as in faults.go
	// (e.g. "/api/v1/apps*", "/api/v1/logs").
	BucketLimits map[string]int
	// Addr to listen on (default 127.0.0.1:0).
	Addr string
	// TokenTTL is how long an OAuth access token lives; 0 means one hour
	// (Okta's default for org authorization server tokens). okta-sdk-golang
	// caches a token for expires_in-2 seconds, so keep it at 3s or more.
	TokenTTL time.Duration
}

// Start runs a simulator on loopback.
func Start(opts Options) (*Server, error) {
	s := New(opts)
	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("starting Okta simulator: %w", err)
	}
	s.srv = httptest.NewUnstartedServer(s)
	s.srv.Listener.Close()
	s.srv.Listener = ln
	s.srv.Start()
	s.URL = s.srv.URL
	return s, nil
}

// New returns a simulator that is not listening, for use as an http.Handler.
func New(opts Options) *Server {
	tok := opts.Token
	if tok == "" {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		tok = "00" + hex.EncodeToString(b)
	}
	limit := opts.RateLimit
	if limit == 0 {
		limit = 600
	}
	ttl := opts.TokenTTL
	if ttl == 0 {
		ttl = time.Hour
	}
	s := &Server{Token: tok, apps: map[string]*App{},
		counts: map[string]int{}, limit: limit, maxLog: 100000,
		rate: rateBuckets{limits: opts.BucketLimits, windows: map[string]*rateWindow{}}}
	s.SetClock(time.Now)
	s.born = s.now().UTC()
	s.pol = newOrgPolicies(s.born)
	s.dir = newDirectory()
	s.people = map[string]*person{consoleAdmin.ID: s.adminPerson()}
	s.addEveryone()
	s.orgs = originStore{byID: map[string]*TrustedOrigin{}}
	s.as = newASStore()
	s.oauth = oauthState{ttl: ttl, clients: map[string]*serviceClient{}, tokens: map[string]issuedToken{}}
	s.as.servers["default"] = defaultAuthServer(s.now().UTC())
	return s
}

// Close stops the simulator and waits for Event Hook deliveries in flight.
func (s *Server) Close() {
	if s.srv != nil {
		s.srv.CloseClientConnections()
		s.srv.Close()
	}
	s.stopHooks()
	s.hookWG.Wait()
}

// SetClock replaces the simulator's clock (time.Now by default), so tests
// can age tokens, rate-limit windows and System Log events.
func (s *Server) SetClock(now func() time.Time) {
	s.clock.Store(&now)
}

func (s *Server) now() time.Time { return (*s.clock.Load())() }

// Count returns how many requests hit a path ("" counts all).
func (s *Server) Count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if path == "" {
		n := 0
		for _, c := range s.counts {
			n += c
		}
		return n
	}
	return s.counts[path]
}

// Requests returns a copy of the request log.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ResetCounts clears the counters and the request log.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts = map[string]int{}
	s.requests = nil
}

// ServeHTTP implements the Okta API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := s.now()
	rec := &statusRecorder{ResponseWriter: w, status: 200}
	// Deferred so a dropped connection (which aborts the handler) still counts.
	defer func() {
		s.mu.Lock()
		s.counts[r.URL.Path]++
		if len(s.requests) < s.maxLog {
			s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Status: rec.status, Start: start, End: s.now()})
		}
		s.mu.Unlock()
	}()
	s.serve(rec, r)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

// Unwrap lets http.ResponseController reach the connection to drop it.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	latency := s.latency
	s.mu.Unlock()
	if latency > 0 {
		time.Sleep(latency)
	}
	w.Header().Set("Date", s.now().UTC().Format(http.TimeFormat))
	w.Header().Set("X-Okta-Request-Id", requestID())
	switch {
	case strings.HasSuffix(r.URL.Path, "/.well-known/openid-configuration"):
		s.discovery(w, r)
	case r.URL.Path == "/.well-known/okta-organization":
		s.orgMetadata(w)
	case r.URL.Path == "/oauth2/v1/token":
		s.token(w, r)
	case strings.HasPrefix(r.URL.Path, "/api/v1/"):
		s.api(w, r)
	default:
		writeError(w, http.StatusNotFound, "E0000022", "The endpoint does not support the provided HTTP method")
	}
}

// api runs the shared steps of every management API call (faults,
// authentication, scope, rate limit) and hands over to the route.
func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	if s.applyFault(w, r) {
		return
	}
	actor, ok := s.authenticate(w, r)
	if !ok || s.featureOff(w, r) {
		return
	}
	if !s.rateHeaders(w, r, Fault{}) {
		writeError(w, http.StatusTooManyRequests, "E0000047", "API call exceeded rate limit due to too many requests.")
		return
	}
	rt, ok := s.route(r)
	if !ok {
		writeError(w, http.StatusMethodNotAllowed, "E0000022", "The endpoint does not support the provided HTTP method")
		return
	}
	if !actor.hasScope(rt.scope) {
		writeInsufficientScope(w, s.URL, r.URL.Path, rt.scope)
		return
	}
	rt.handle(w, r, actor)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeValue(w http.ResponseWriter, status int, v any) {
	body, _ := json.Marshal(v)
	writeJSON(w, status, body)
}

func writeError(w http.ResponseWriter, status int, code, summary string) {
	writeAPIError(w, &APIError{Status: status, Code: code, Summary: summary})
}

func writeAPIError(w http.ResponseWriter, e *APIError) {
	causes := []any{}
	for _, c := range e.Causes {
		causes = append(causes, map[string]string{"errorSummary": c})
	}
	writeValue(w, e.Status, map[string]any{
		"errorCode": e.Code, "errorSummary": e.Summary, "errorLink": e.Code,
		"errorId": "oae" + requestID()[:19], "errorCauses": causes,
	})
}

// found returns m[id], or answers Okta's 404 for an object of kind and
// false.
func found[T any](w http.ResponseWriter, m map[string]T, id, kind string) (T, bool) {
	v, ok := m[id]
	if !ok {
		notFound(w, id, kind)
	}
	return v, ok
}

func notFound(w http.ResponseWriter, id, kind string) {
	writeError(w, http.StatusNotFound, "E0000007", "Not found: Resource not found: "+id+" ("+kind+")")
}

func requestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "Y" + hex.EncodeToString(b)
}

// newID makes an Okta-looking id with a type prefix (0oa app, 00g group,
// tos trusted origin, aus authorization server, 00p policy, 0pr rule).
func newID(prefix string) string {
	b := make([]byte, 9)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)[:17]
}
