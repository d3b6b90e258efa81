package daemon

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
)

type failingReader struct{ err error }

func (f failingReader) App(context.Context, string) (*checks.OktaApp, error)     { return nil, f.err }
func (f failingReader) Env(context.Context) (*checks.WandbEnv, error)            { return nil, f.err }
func (f failingReader) Fetch(context.Context, string) (*checks.Discovery, error) { return nil, f.err }

func TestEngineBoundsEveryObservationError(t *testing.T) {
	huge := errors.New("reading Okta app 0oa1: Okta answered 400: " + strings.Repeat("é", 5<<20))
	r := failingReader{err: huge}
	t0 := config.Target{Name: "prod"}
	t0.Okta.AppID = "0oa1"
	t0.OIDC.Issuer = "https://acme.okta.com"
	cfg := &config.Config{Concurrency: 1, Targets: []config.Target{t0}}
	e, err := NewEngine(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)),
		EngineOptions{Okta: r, Discovery: r, EnvFor: func(*config.Target) EnvReader { return r }, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	res := e.CheckTarget(context.Background(), &cfg.Targets[0])
	if res.Status != report.StatusError || len(res.Findings) != 0 {
		t.Fatalf("status %s with %d findings, want error and none", res.Status, len(res.Findings))
	}
	if len(res.Errors) != 3 {
		t.Fatalf("errors = %d, want one per source", len(res.Errors))
	}
	for _, oe := range res.Errors {
		if n := len(oe.Message); n > source.MaxMessageBytes+len("…(truncated)") || !strings.HasSuffix(oe.Message, "…(truncated)") {
			t.Errorf("%s: message of %d bytes, want it cut to %d and marked", oe.Source, n, source.MaxMessageBytes)
		}
		if !strings.HasPrefix(oe.Message, "reading Okta app 0oa1") {
			t.Errorf("%s: the cut lost the message's start: %.60q", oe.Source, oe.Message)
		}
	}
}

type panickingReader struct{}

func (panickingReader) App(context.Context, string) (*checks.OktaApp, error) { panic("nil map") }
func (panickingReader) Env(context.Context) (*checks.WandbEnv, error)        { panic("nil map") }
func (panickingReader) Fetch(context.Context, string) (*checks.Discovery, error) {
	panic("nil map")
}

func TestAReaderThatPanicsIsAnObservationErrorNotACrash(t *testing.T) {
	r := panickingReader{}
	t0 := config.Target{Name: "prod"}
	t0.Okta.AppID = "0oa1"
	t0.OIDC.Issuer = "https://acme.okta.com"
	cfg := &config.Config{Concurrency: 1, Targets: []config.Target{t0}}
	e, err := NewEngine(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)),
		EngineOptions{Okta: r, Discovery: r, EnvFor: func(*config.Target) EnvReader { return r }, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	res := e.CheckAll(context.Background(), []*config.Target{&cfg.Targets[0]}).Targets[0]
	if res.Status != report.StatusError || len(res.Findings) != 0 || len(res.Errors) != 3 {
		t.Fatalf("status %s, findings %+v, errors %+v; want error, none, one per source", res.Status, res.Findings, res.Errors)
	}
	for _, oe := range res.Errors {
		if !strings.Contains(oe.Message, "failed unexpectedly") {
			t.Errorf("%s: %q", oe.Source, oe.Message)
		}
	}
}

// TestCheckNeverRelaysASecretAReaderQuoted: driftd check has no Runner to
// scrub its result, so the engine scrubs what readers report.
func TestCheckNeverRelaysASecretAReaderQuoted(t *testing.T) {
	const token = "00okta-token-never-shown"
	r := failingReader{err: errors.New("terraform show: provider said token=" + token)}
	t0 := config.Target{Name: "prod"}
	t0.Okta.AppID = "0oa1"
	t0.OIDC.Issuer = "https://acme.okta.com"
	cfg := &config.Config{Concurrency: 1, Targets: []config.Target{t0}}
	cfg.Okta.APIToken = config.NewSecret(token)
	e, err := NewEngine(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)),
		EngineOptions{Okta: r, Discovery: r, EnvFor: func(*config.Target) EnvReader { return r }, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	res := e.CheckAll(context.Background(), []*config.Target{&cfg.Targets[0]}).Targets[0]
	for _, oe := range res.Errors {
		if strings.Contains(oe.Message, token) {
			t.Errorf("%s: %q", oe.Source, oe.Message)
		}
	}
}
