package api

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// sessionCookie names the status page's session cookie. It holds a random
// session id, never the token: a stolen cookie dies at logout, expiry, a
// restart or a token change, and reveals nothing about the token.
const sessionCookie = "driftd_session"

// Session bounds: a working day, and a cap so a flood of logins cannot
// grow the table without end.
const (
	sessionTTL  = 12 * time.Hour
	maxSessions = 1000
)

// sessions is the in-memory table of logged-in browsers.
type sessions struct {
	mu   sync.Mutex
	byID map[string]session
	now  func() time.Time
}

type session struct {
	expires time.Time
	// tokenSum binds the session to the token it logged in with: a token
	// rotated by a reload logs everyone out.
	tokenSum [32]byte
}

func newSessions() *sessions {
	return &sessions{byID: map[string]session{}, now: time.Now}
}

// create starts a session for a browser that presented token.
func (s *sessions) create(token string) string {
	var raw [32]byte
	_, _ = rand.Read(raw[:]) // crypto/rand.Read never fails (Go 1.24+)
	id := base64.RawURLEncoding.EncodeToString(raw[:])
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for k, v := range s.byID {
		if !now.Before(v.expires) {
			delete(s.byID, k)
		}
	}
	if len(s.byID) >= maxSessions {
		s.evictOldest()
	}
	s.byID[id] = session{expires: now.Add(sessionTTL), tokenSum: sha256.Sum256([]byte(token))}
	return id
}

func (s *sessions) evictOldest() {
	var oldest string
	for k, v := range s.byID {
		if oldest == "" || v.expires.Before(s.byID[oldest].expires) {
			oldest = k
		}
	}
	delete(s.byID, oldest)
}

// valid says whether id is a live session made with the current token.
func (s *sessions) valid(id, token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.byID[id]
	if !ok || !s.now().Before(v.expires) {
		return false
	}
	sum := sha256.Sum256([]byte(token))
	return token != "" && subtle.ConstantTimeCompare(v.tokenSum[:], sum[:]) == 1
}

func (s *sessions) end(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byID, id)
}

// setSessionCookie hands the browser its session: HttpOnly (no script
// reads it), SameSite=Strict (no other site's page sends it), Secure when
// the browser came over TLS (directly or through a proxy that says so).
func setSessionCookie(w http.ResponseWriter, r *http.Request, id string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: id, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https"),
	})
}

// sameOrigin is the login and logout forms' CSRF check, beside the
// SameSite=Strict cookie: a browser sends Origin with every POST form, so
// one naming another host is a cross-site request. Without Origin, only
// fetch metadata that says same-origin (or no browser at all) passes.
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		site := r.Header.Get("Sec-Fetch-Site")
		return site == "" || site == "same-origin" || site == "none"
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host)
}
