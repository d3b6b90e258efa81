package api

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Credential throttling: server.token has no minimum length, and the
// bearer API, POST /login and the Event Hook endpoint each take anyone's
// guess. One throttle counts the wrong credentials of all three by client
// address: maxLoginFailures per loginWindow; past that every attempt, the
// right credential included, is 429 until the window ends, and nothing is
// evaluated or read. The table is bounded (maxLoginClients): when full,
// expired entries go, then entries not (yet) throttled; a throttled entry
// is never evicted, so flooding from other addresses frees no one. When
// every entry is throttled, new addresses share one overflow entry, which
// throttles them together: under such a flood the server fails closed.
const (
	maxLoginFailures = 10
	loginWindow      = time.Minute
	maxLoginClients  = 10000
)

// overflowClient is the shared entry of addresses the full table cannot hold.
const overflowClient = "*"

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
	now := l.now()
	f := l.entry(client, now)
	if f == nil || f.count < maxLoginFailures {
		return 0
	}
	return f.until.Sub(now)
}

// entry is client's live entry: its own, or the overflow entry while the
// table holds no room for it; nil when it has none. l.mu is held.
func (l *loginThrottle) entry(client string, now time.Time) *loginFailures {
	for _, k := range []string{client, overflowClient} {
		f, ok := l.clients[k]
		if ok && !now.Before(f.until) {
			delete(l.clients, k)
			ok = false
		}
		if ok {
			return f
		}
		if len(l.clients) < maxLoginClients {
			return nil // room for client: the overflow entry is not its own
		}
	}
	return nil
}

// fail records a wrong credential from client.
func (l *loginThrottle) fail(client string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	f := l.entry(client, now)
	if f == nil {
		if len(l.clients) >= maxLoginClients && !l.prune(now) {
			client = overflowClient
		}
		f = &loginFailures{until: now.Add(loginWindow)}
		l.clients[client] = f
	}
	f.count++
}

// charge records a failure before the credential is read, so attempts
// held open (a slow login body) count against the limit while they wait;
// refund takes it back once the credential turned out right.
func (l *loginThrottle) charge(client string) (refund func()) {
	l.fail(client)
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if f := l.entry(client, l.now()); f != nil && f.count > 0 {
			f.count--
		}
	}
}

// prune makes room: expired entries go, then one entry that is not
// throttled. It reports whether there is room; throttled entries stay.
func (l *loginThrottle) prune(now time.Time) bool {
	for k, f := range l.clients {
		if !now.Before(f.until) {
			delete(l.clients, k)
		}
	}
	if len(l.clients) < maxLoginClients {
		return true
	}
	for k, f := range l.clients {
		if f.count < maxLoginFailures && k != overflowClient {
			delete(l.clients, k)
			return true
		}
	}
	return false
}

// refuseThrottled answers 429 with Retry-After when client is throttled.
func (l *loginThrottle) refuseThrottled(w http.ResponseWriter, client string) bool {
	wait := l.blocked(client)
	if wait <= 0 {
		return false
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(wait.Round(time.Second)/time.Second)+1))
	writeError(w, http.StatusTooManyRequests, "too many wrong credentials from this address; try again later")
	return true
}
