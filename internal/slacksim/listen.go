package slacksim

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
)

// StartAt runs a recorder on addr (host:port; port 0 picks one), so a
// container can publish a pinned port. A wildcard host (0.0.0.0, [::])
// is reported in URL as 127.0.0.1, the address local clients use.
func StartAt(addr, token string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("starting the Slack simulator on %s: %w", addr, err)
	}
	s := &Server{Token: token}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Listener.Close()
	s.srv.Listener = ln
	s.srv.Start()
	s.URL = LoopbackURL(s.srv.URL)
	return s, nil
}

// LoopbackURL rewrites a wildcard listen address in u to 127.0.0.1.
func LoopbackURL(u string) string {
	for _, wild := range []string{"://0.0.0.0:", "://[::]:"} {
		u = strings.Replace(u, wild, "://127.0.0.1:", 1)
	}
	return u
}
