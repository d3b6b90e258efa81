// Package wandbsim simulates the part of a W&B server that single sign-on
// depends on: it reads its environment from a dotenv file (as the operator
// would mount it) and answers CORS requests the way W&B does, rejecting an
// origin that GORILLA_CORS_ORIGINS does not list with
// "request from invalid origin: ORIGIN".
package wandbsim

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/driftd/driftd/checks"
)

// Server is a running W&B simulator.
type Server struct {
	URL     string
	EnvFile string
	srv     *httptest.Server
}

// Close stops the simulator.
func (s *Server) Close() { s.srv.Close() }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	if origin == "" {
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("W&B simulator\n"))
		return
	}
	// The env file is read with compose-go's dotenv, the loader of a W&B
	// deployed with docker compose's env_file, not with driftd's own
	// source.ParseDotenv: the simulator must not share the parser under
	// test, or a file driftd misreads would be misread here the same way.
	vars := map[string]string{}
	if f, err := os.Open(s.EnvFile); err == nil {
		vars, _ = dotenv.Parse(f)
		f.Close()
	}
	for _, o := range checks.ParseOriginList(vars[checks.EnvCORSOrigins]) {
		if checks.NormalizeURI(o) == checks.NormalizeURI(origin) {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	http.Error(w, "request from invalid origin: "+origin, http.StatusForbidden)
}

// Preflight sends a CORS preflight with origin and returns the status and body.
func (s *Server) Preflight(ctx context.Context, origin string) (int, string) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodOptions, s.URL+"/graphql", nil)
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b := make([]byte, 256)
	n, _ := resp.Body.Read(b)
	return resp.StatusCode, string(b[:n])
}
