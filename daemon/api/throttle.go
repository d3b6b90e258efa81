package api

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Login throttling: server.token has no minimum length, and POST /login
// takes anyone's guess, so each client (by its address) gets
// maxLoginFailures wrong tokens per loginWindow; past that every attempt,
// the right token included, is 429 until the window ends. The table is
// bounded: when full, expired entries go, and if none has expired the
// table is cleared rather than grown.
const (
	maxLoginFailures = 10
	loginWindow      = time.Minute
	maxLoginClients  = 10000
)

type loginThrottle struct {
	mu      sync.Mutex
	now     func() time.Time
	clients map[string]*loginFailures
}

type loginFailures struct {
	count int
	until time.Time // end of the window that began with the first failure
}

func newLoginThrottle() *loginThrottle {
	return &loginThrottle{now: time.Now, clients: map[string]*loginFailures{}}
}

// clientOf is the request's peer address without its port.
func clientOf(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// blocked reports how long the client must wait; zero means it may try.
func (l *loginThrottle) blocked(client string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	f, ok := l.clients[client]
	now := l.now()
	switch {
	case !ok:
		return 0
	case !now.Before(f.until):
		delete(l.clients, client)
		return 0
	case f.count >= maxLoginFailures:
		return f.until.Sub(now)
	}
	return 0
}

// fail records a wrong token from client.
func (l *loginThrottle) fail(client string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	f, ok := l.clients[client]
	if !ok || !now.Before(f.until) {
		if len(l.clients) >= maxLoginClients {
			l.prune(now)
		}
		f = &loginFailures{until: now.Add(loginWindow)}
		l.clients[client] = f
	}
	f.count++
}

func (l *loginThrottle) prune(now time.Time) {
	for k, f := range l.clients {
		if !now.Before(f.until) {
			delete(l.clients, k)
		}
	}
	if len(l.clients) >= maxLoginClients {
		clear(l.clients)
	}
}

// refuseThrottled answers 429 with Retry-After when client is throttled.
func (l *loginThrottle) refuseThrottled(w http.ResponseWriter, client string) bool {
	wait := l.blocked(client)
	if wait <= 0 {
		return false
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(wait.Round(time.Second)/time.Second)+1))
	writeError(w, http.StatusTooManyRequests, "too many wrong tokens from this address; try again later")
	return true
}
