package source

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// answerAll answers every request with one status and body, as a broken
// proxy or a failing Okta edge might: a strange answer is a failed read.
type answerAll struct {
	status int
	body   string
}

func (a answerAll) RoundTrip(req *http.Request) (*http.Response, error) {
	h := http.Header{"Content-Type": {"application/json"}}
	return &http.Response{StatusCode: a.status, Header: h, Body: io.NopCloser(strings.NewReader(a.body)), Request: req}, nil
}

func TestEveryOktaReadRefusesAnEmptyOrNullAnswer(t *testing.T) {
	reads := map[string]func(r *OktaReader) error{
		"app groups": func(r *OktaReader) error { _, err := r.AppGroups(context.Background(), "0oa1"); return err },
		"app users":  func(r *OktaReader) error { _, err := r.AppUserCount(context.Background(), "0oa1"); return err },
		"origins":    func(r *OktaReader) error { _, err := r.TrustedOrigins(context.Background()); return err },
		"auth server": func(r *OktaReader) error {
			_, err := r.AuthServer(context.Background(), "aus1")
			return err
		},
		"group": func(r *OktaReader) error { _, err := r.ResolveGroup(context.Background(), "wandb-users"); return err },
		"find":  func(r *OktaReader) error { _, err := r.FindOIDCApps(context.Background(), "0oa1client"); return err },
		"log": func(r *OktaReader) error {
			_, err := r.ReadLog(context.Background(), LogCursor{Since: time.Unix(0, 0)}, "", 10)
			return err
		},
	}
	for _, body := range []string{"", "null", "{}"} {
		for name, read := range reads {
			t.Run(name+" "+body, func(t *testing.T) {
				r, err := NewOktaReader(context.Background(), OktaOptions{
					OrgURL: "https://acme.okta.example", Token: "00secret-token", Transport: answerAll{200, body},
					Retry: RetryPolicy{Attempts: 1, AttemptTimeout: time.Minute, MaxDelay: time.Second},
				})
				if err != nil {
					t.Fatal(err)
				}
				if err := read(r); err == nil {
					t.Errorf("a 200 with body %q read without an error", body)
				}
			})
		}
	}
}
