package wandbsim

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
)

// StartAt serves on addr (host:port; port 0 picks one), reading env from
// envFile on every request, so a container can publish a pinned port. A
// wildcard host (0.0.0.0, [::]) is reported in URL as 127.0.0.1.
func StartAt(addr, envFile string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("starting the W&B simulator on %s: %w", addr, err)
	}
	s := &Server{EnvFile: envFile}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Listener.Close()
	s.srv.Listener = ln
	s.srv.Start()
	s.URL = s.srv.URL
	for _, wild := range []string{"://0.0.0.0:", "://[::]:"} {
		s.URL = strings.Replace(s.URL, wild, "://127.0.0.1:", 1)
	}
	return s, nil
}
