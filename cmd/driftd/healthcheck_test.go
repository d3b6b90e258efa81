package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestHealthcheckProbesTheURLFromTheEnvironment(t *testing.T) {
	healthy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
		}
	}))
	defer healthy.Close()
	tests := []struct {
		name, env string
		args      []string
		want      int
	}{
		{"DRIFTD_HEALTHCHECK_URL is probed when no --url is given", healthy.URL + "/healthz", nil, ExitOK},
		{"an unhealthy answer at DRIFTD_HEALTHCHECK_URL exits 1", healthy.URL + "/nope", nil, ExitError},
		{"--url wins over the environment", healthy.URL + "/nope", []string{"--url", healthy.URL + "/healthz"}, ExitOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("DRIFTD_HEALTHCHECK_URL", tc.env)
			if got := run(context.Background(), append([]string{"healthcheck"}, tc.args...), io.Discard, io.Discard); got != tc.want {
				t.Errorf("exit %d, want %d", got, tc.want)
			}
		})
	}
}
