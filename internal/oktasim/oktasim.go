// Package oktasim is a local Okta API simulator for tests and `driftd demo`.
//
// It serves the parts of the Okta management API that driftd and its test
// Terraform provider use (GET/PUT /api/v1/apps/{id}, app lifecycle) and the
// OIDC discovery documents of the org and custom authorization servers, with
// Okta's JSON shapes and headers: Content-Type, Date, X-Okta-Request-Id and
// the X-Rate-Limit-Limit/Remaining/Reset trio. Tests change apps as an admin
// would, inject faults (429, 5xx, 401, 404, slow answers, dropped
// connections) and count requests.
package oktasim

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// App is the simulator's OIDC app, in Okta's JSON shape.
type App struct {
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	Label         string         `json:"label"`
	Status        string         `json:"status"`
	Created       time.Time      `json:"created"`
	LastUpdated   time.Time      `json:"lastUpdated"`
	Accessibility map[string]any `json:"accessibility"`
	Visibility    map[string]any `json:"visibility"`
	Features      []string       `json:"features"`
	SignOnMode    string         `json:"signOnMode"`
	Credentials   Credentials    `json:"credentials"`
	Settings      Settings       `json:"settings"`
	Links         map[string]any `json:"_links,omitempty"`
}

// Credentials is the app's credentials object.
type Credentials struct {
	UserNameTemplate map[string]any         `json:"userNameTemplate"`
	Signing          map[string]any         `json:"signing"`
	OAuthClient      OAuthClientCredentials `json:"oauthClient"`
}

// OAuthClientCredentials is credentials.oauthClient.
type OAuthClientCredentials struct {
	AutoKeyRotation         bool   `json:"autoKeyRotation"`
	ClientID                string `json:"client_id"`
	ClientSecret            string `json:"client_secret,omitempty"`
	TokenEndpointAuthMethod string `json:"token_endpoint_auth_method"`
	PKCERequired            bool   `json:"pkce_required"`
}

// Settings is the app's settings object.
type Settings struct {
	App                map[string]any `json:"app"`
	Notifications      map[string]any `json:"notifications"`
	ManualProvisioning bool           `json:"manualProvisioning"`
	ImplicitAssignment bool           `json:"implicitAssignment"`
	Notes              map[string]any `json:"notes"`
	OAuthClient        OAuthClient    `json:"oauthClient"`
}

// OAuthClient is settings.oauthClient.
type OAuthClient struct {
	ClientURI              *string        `json:"client_uri"`
	LogoURI                *string        `json:"logo_uri"`
	RedirectURIs           []string       `json:"redirect_uris"`
	PostLogoutRedirectURIs []string       `json:"post_logout_redirect_uris"`
	ResponseTypes          []string       `json:"response_types"`
	GrantTypes             []string       `json:"grant_types"`
	ApplicationType        string         `json:"application_type"`
	ConsentMethod          string         `json:"consent_method"`
	IssuerMode             string         `json:"issuer_mode"`
	IdpInitiatedLogin      map[string]any `json:"idp_initiated_login"`
	WildcardRedirect       string         `json:"wildcard_redirect"`
}

// NewWandbApp returns an app wired the way W&B's Okta guide sets it up for
// wandbURL: a Single-Page Application with both grant types.
func NewWandbApp(id, clientID, wandbURL string, pkce bool) App {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	responseTypes := []string{"code", "id_token", "token"}
	return App{
		ID: id, Name: "oidc_client", Label: "Weights & Biases", Status: "ACTIVE",
		Created: now, LastUpdated: now,
		Accessibility: map[string]any{"selfService": false, "errorRedirectUrl": nil, "loginRedirectUrl": nil},
		Visibility:    map[string]any{"autoLaunch": false, "autoSubmitToolbar": false, "hide": map[string]any{"iOS": true, "web": true}, "appLinks": map[string]any{"oidc_client_link": true}},
		Features:      []string{},
		SignOnMode:    "OPENID_CONNECT",
		Credentials: Credentials{
			UserNameTemplate: map[string]any{"template": "${source.login}", "type": "BUILT_IN"},
			Signing:          map[string]any{"kid": "sim-signing-key"},
			OAuthClient: OAuthClientCredentials{
				AutoKeyRotation: true, ClientID: clientID, TokenEndpointAuthMethod: "none", PKCERequired: pkce,
			},
		},
		Settings: Settings{
			App:           map[string]any{},
			Notifications: map[string]any{"vpn": map[string]any{"network": map[string]any{"connection": "DISABLED"}, "message": nil, "helpUrl": nil}},
			Notes:         map[string]any{"admin": nil, "enduser": nil},
			OAuthClient: OAuthClient{
				RedirectURIs:           []string{strings.TrimRight(wandbURL, "/") + "/oidc/callback"},
				PostLogoutRedirectURIs: []string{strings.TrimRight(wandbURL, "/") + "/logout"},
				ResponseTypes:          responseTypes,
				GrantTypes:             []string{"authorization_code", "implicit"},
				ApplicationType:        "browser",
				ConsentMethod:          "REQUIRED",
				IssuerMode:             "DYNAMIC",
				IdpInitiatedLogin:      map[string]any{"mode": "DISABLED", "default_scope": []string{}},
				WildcardRedirect:       "DISABLED",
			},
		},
	}
}

// FaultKind is a failure the simulator can inject.
type FaultKind int

// Faults: an HTTP status with Okta's error body, a slow answer, or a
// connection dropped without an answer.
const (
	FaultStatus FaultKind = iota
	FaultSlow
	FaultDrop
)

// Fault is one injected failure.
type Fault struct {
	Kind   FaultKind
	Status int           // FaultStatus: 401, 403, 404, 429, 500, 503...
	Delay  time.Duration // FaultSlow: how long to stall before answering normally
	// ResetIn sets X-Rate-Limit-Reset for a 429, relative to now.
	ResetIn time.Duration
}

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
	authz     map[string]bool // custom authorization server ids
	faults    []Fault         // consumed one per API request
	stickyErr *Fault          // applied to every API request until cleared
	latency   time.Duration
	requests  []Request
	counts    map[string]int
	limit     int
	remaining int
	window    time.Time
	now       func() time.Time
	maxLog    int
}

// Options configures a simulator.
type Options struct {
	// Token is the SSWS API token it accepts; empty picks a random one.
	Token string
	// RateLimit is the per-minute limit for /api/v1/apps; 0 means 600.
	RateLimit int
	// Addr to listen on (default 127.0.0.1:0).
	Addr string
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
	return &Server{Token: tok, apps: map[string]*App{}, authz: map[string]bool{"default": true},
		counts: map[string]int{}, limit: limit, remaining: limit, now: time.Now, maxLog: 100000}
}

// Close stops the simulator.
func (s *Server) Close() {
	if s.srv != nil {
		s.srv.CloseClientConnections()
		s.srv.Close()
	}
}

// PutApp creates or replaces an app.
func (s *Server) PutApp(a App) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apps[a.ID] = &a
}

// UpdateApp changes an app as an admin would in the console.
func (s *Server) UpdateApp(id string, change func(*App)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[id]
	if !ok {
		return fmt.Errorf("no app %s", id)
	}
	change(a)
	a.LastUpdated = s.now().UTC()
	return nil
}

// GetApp returns a copy of an app.
func (s *Server) GetApp(id string) (App, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[id]
	if !ok {
		return App{}, false
	}
	// Deep copy through JSON so callers cannot alias the stored slices.
	var cp App
	b, _ := json.Marshal(a)
	_ = json.Unmarshal(b, &cp)
	return cp, true
}

// DeleteApp removes an app.
func (s *Server) DeleteApp(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.apps, id)
}

// InjectFaults queues faults; each API request consumes the next one.
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
	case strings.HasPrefix(r.URL.Path, "/api/v1/apps/") || r.URL.Path == "/api/v1/apps":
		s.api(w, r)
	default:
		writeError(w, http.StatusNotFound, "E0000022", "The endpoint does not support the provided HTTP method")
	}
}

func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	if fault, ok := s.nextFault(); ok {
		switch fault.Kind {
		case FaultDrop:
			if rec, ok := w.(*statusRecorder); ok {
				rec.status = 0
			}
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
				return
			}
			panic(http.ErrAbortHandler)
		case FaultSlow:
			select {
			case <-time.After(fault.Delay):
			case <-r.Context().Done():
				return
			}
		case FaultStatus:
			s.rateHeaders(w, fault)
			writeFault(w, fault.Status)
			return
		}
	}
	if r.Header.Get("Authorization") != "SSWS "+s.Token {
		writeError(w, http.StatusUnauthorized, "E0000011", "Invalid token provided")
		return
	}
	if !s.rateHeaders(w, Fault{}) {
		writeError(w, http.StatusTooManyRequests, "E0000047", "API call exceeded rate limit due to too many requests.")
		return
	}
	if r.URL.Path == "/api/v1/apps" {
		if r.Method != http.MethodPost {
			writeError(w, http.StatusMethodNotAllowed, "E0000022", "The endpoint does not support the provided HTTP method")
			return
		}
		s.createApp(w, r)
		return
	}
	rest := strings.TrimPrefix(r.URL.Path, "/api/v1/apps/")
	id, action, _ := strings.Cut(rest, "/")
	switch {
	case action == "" && r.Method == http.MethodDelete:
		s.mu.Lock()
		_, ok := s.apps[id]
		delete(s.apps, id)
		s.mu.Unlock()
		if !ok {
			writeError(w, http.StatusNotFound, "E0000007", "Not found: Resource not found: "+id+" (AppInstance)")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case action == "" && r.Method == http.MethodGet:
		s.getApp(w, id)
	case action == "" && r.Method == http.MethodPut:
		s.putApp(w, r, id)
	case action == "lifecycle/activate" && r.Method == http.MethodPost:
		s.lifecycle(w, id, "ACTIVE")
	case action == "lifecycle/deactivate" && r.Method == http.MethodPost:
		s.lifecycle(w, id, "INACTIVE")
	default:
		writeError(w, http.StatusMethodNotAllowed, "E0000022", "The endpoint does not support the provided HTTP method")
	}
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

// rateHeaders sets Okta's rate-limit headers and spends one request of the
// per-minute window; it reports false when the window is exhausted.
func (s *Server) rateHeaders(w http.ResponseWriter, f Fault) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if now.After(s.window) {
		s.window = now.Truncate(time.Minute).Add(time.Minute)
		s.remaining = s.limit
	}
	reset := s.window
	ok := true
	if f.Status == http.StatusTooManyRequests {
		reset = now.Add(f.ResetIn)
		w.Header().Set("X-Rate-Limit-Remaining", "0")
		ok = false
	} else if s.remaining <= 0 {
		w.Header().Set("X-Rate-Limit-Remaining", "0")
		ok = false
	} else {
		s.remaining--
		w.Header().Set("X-Rate-Limit-Remaining", fmt.Sprint(s.remaining))
	}
	w.Header().Set("X-Rate-Limit-Limit", fmt.Sprint(s.limit))
	w.Header().Set("X-Rate-Limit-Reset", fmt.Sprint(reset.Unix()))
	return ok
}

func (s *Server) getApp(w http.ResponseWriter, id string) {
	s.mu.Lock()
	a, ok := s.apps[id]
	var body []byte
	if ok {
		body, _ = json.Marshal(s.withLinks(a))
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "E0000007", "Not found: Resource not found: "+id+" (AppInstance)")
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// createApp serves POST /api/v1/apps: Okta assigns the id and client id.
func (s *Server) createApp(w http.ResponseWriter, r *http.Request) {
	var in App
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "E0000003", "The request body was not well-formed.")
		return
	}
	id := "0oa" + requestID()[1:18]
	a := NewWandbApp(id, id, "https://unset.invalid", in.Credentials.OAuthClient.PKCERequired)
	a.Label = in.Label
	a.Settings.OAuthClient = in.Settings.OAuthClient
	if a.Settings.OAuthClient.ApplicationType == "" {
		a.Settings.OAuthClient.ApplicationType = "web"
	}
	a.Credentials.OAuthClient.TokenEndpointAuthMethod = in.Credentials.OAuthClient.TokenEndpointAuthMethod
	a.Created, a.LastUpdated = s.now().UTC(), s.now().UTC()
	s.mu.Lock()
	s.apps[id] = &a
	body, _ := json.Marshal(s.withLinks(&a))
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) putApp(w http.ResponseWriter, r *http.Request, id string) {
	var in App
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "E0000003", "The request body was not well-formed.")
		return
	}
	s.mu.Lock()
	a, ok := s.apps[id]
	if !ok {
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "E0000007", "Not found: Resource not found: "+id+" (AppInstance)")
		return
	}
	// Okta keeps server-owned fields (id, client id, status, timestamps)
	// and takes the rest from the request.
	a.Label = in.Label
	if in.Settings.OAuthClient.ApplicationType != "" && in.Settings.OAuthClient.ApplicationType != a.Settings.OAuthClient.ApplicationType {
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, "E0000001", "Api validation failed: application_type cannot be changed")
		return
	}
	oc := in.Settings.OAuthClient
	a.Settings.OAuthClient.RedirectURIs = oc.RedirectURIs
	a.Settings.OAuthClient.PostLogoutRedirectURIs = oc.PostLogoutRedirectURIs
	a.Settings.OAuthClient.GrantTypes = oc.GrantTypes
	if oc.ResponseTypes != nil {
		a.Settings.OAuthClient.ResponseTypes = oc.ResponseTypes
	}
	if m := in.Credentials.OAuthClient.TokenEndpointAuthMethod; m != "" {
		a.Credentials.OAuthClient.TokenEndpointAuthMethod = m
	}
	a.Credentials.OAuthClient.PKCERequired = in.Credentials.OAuthClient.PKCERequired
	a.LastUpdated = s.now().UTC()
	body, _ := json.Marshal(s.withLinks(a))
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) lifecycle(w http.ResponseWriter, id, status string) {
	s.mu.Lock()
	a, ok := s.apps[id]
	if ok {
		a.Status = status
		a.LastUpdated = s.now().UTC()
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "E0000007", "Not found: Resource not found: "+id+" (AppInstance)")
		return
	}
	writeJSON(w, http.StatusOK, []byte("{}"))
}

func (s *Server) withLinks(a *App) App {
	out := *a
	base := s.URL + "/api/v1/apps/" + a.ID
	out.Links = map[string]any{
		"appLinks":   []any{map[string]any{"name": "oidc_client_link", "href": s.URL + "/home/oidc_client/" + a.ID + "/aln5z7uhkbM6y7bMy0g7", "type": "text/html"}},
		"groups":     map[string]any{"href": base + "/groups"},
		"users":      map[string]any{"href": base + "/users"},
		"deactivate": map[string]any{"href": base + "/lifecycle/deactivate"},
	}
	return out
}

// discovery serves the org authorization server's document at
// /.well-known/openid-configuration and a custom server's at
// /oauth2/{id}/.well-known/openid-configuration.
func (s *Server) discovery(w http.ResponseWriter, r *http.Request) {
	prefix := strings.TrimSuffix(r.URL.Path, "/.well-known/openid-configuration")
	issuer := s.URL + prefix
	if prefix != "" {
		id, ok := strings.CutPrefix(prefix, "/oauth2/")
		s.mu.Lock()
		known := ok && s.authz[id]
		s.mu.Unlock()
		if !known {
			writeError(w, http.StatusNotFound, "E0000007", "Not found: Resource not found: "+prefix+" (AuthorizationServer)")
			return
		}
	}
	oauth := issuer + "/oauth2/v1"
	if prefix != "" {
		oauth = issuer + "/v1"
	}
	doc := map[string]any{
		"issuer":                                issuer,
		"authorization_endpoint":                oauth + "/authorize",
		"token_endpoint":                        oauth + "/token",
		"userinfo_endpoint":                     oauth + "/userinfo",
		"registration_endpoint":                 s.URL + "/oauth2/v1/clients",
		"jwks_uri":                              oauth + "/keys",
		"response_types_supported":              []string{"code", "id_token", "code id_token", "code token", "id_token token", "code id_token token"},
		"response_modes_supported":              []string{"query", "fragment", "form_post", "okta_post_message"},
		"grant_types_supported":                 []string{"authorization_code", "implicit", "refresh_token", "password", "urn:ietf:params:oauth:grant-type:device_code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{"openid", "email", "profile", "address", "phone", "offline_access", "groups"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none"},
		"claims_supported":                      []string{"iss", "ver", "sub", "aud", "iat", "exp", "jti", "auth_time", "amr", "idp", "nonce", "name", "email", "email_verified"},
		"code_challenge_methods_supported":      []string{"S256"},
		"introspection_endpoint":                oauth + "/introspect",
		"revocation_endpoint":                   oauth + "/revoke",
		"end_session_endpoint":                  oauth + "/logout",
		"request_parameter_supported":           true,
	}
	body, _ := json.Marshal(doc)
	writeJSON(w, http.StatusOK, body)
}

// AddAuthorizationServer makes /oauth2/{id} a known custom authorization server.
func (s *Server) AddAuthorizationServer(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.authz[id] = true
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
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

func writeError(w http.ResponseWriter, status int, code, summary string) {
	body, _ := json.Marshal(map[string]any{
		"errorCode": code, "errorSummary": summary, "errorLink": code,
		"errorId": "oae" + requestID()[:19], "errorCauses": []any{},
	})
	writeJSON(w, status, body)
}

func requestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "Y" + hex.EncodeToString(b)
}
