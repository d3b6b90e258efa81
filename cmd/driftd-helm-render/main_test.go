package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/driftd/driftd/internal/helmrender"
)

func TestRunAnswersARequestWithTheEnvHelmRenders(t *testing.T) {
	req := `{"protocol":2,"values":["global:\n  host: https://wandb.acme.com\n  auth:\n    oidc:\n      clientId: 0oa1\n      issuer: https://acme.okta.com\n"],` +
		`"sets":[{"block":"set_sensitive","name":"global.auth.oidc.secret","value":"s3cret"}]}`
	var out bytes.Buffer
	if err := run(strings.NewReader(req), &out); err != nil {
		t.Fatal(err)
	}
	var resp helmrender.Response
	if err := json.Unmarshal(out.Bytes(), &resp); err != nil {
		t.Fatalf("answer %q: %v", out.String(), err)
	}
	if !resp.WandbChart || resp.Env["OIDC_CLIENT_ID"] != "0oa1" || resp.Env["GORILLA_CORS_ORIGINS"] != "https://wandb.acme.com,null" {
		t.Errorf("response = %+v", resp)
	}
}

func TestRunRefusesWhatItCannotRead(t *testing.T) {
	for _, tc := range []struct{ name, req, want string }{
		{"not JSON", "nope", "decoding the request"},
		{"another protocol", `{"protocol":7}`, "request protocol 7, this driftd-helm-render speaks 2"},
		{"past the bound", `{"values":["` + strings.Repeat("x", helmrender.MaxRequestBytes) + `"]}`, "larger than 8 MiB"},
		{"a sensitive value that does not parse, unquoted", `{"protocol":2,"sets":[{"block":"set_sensitive","name":"a[","value":"s3cret"}]}`, "applying helm release set_sensitive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(strings.NewReader(tc.req), &out)
			if err == nil || !strings.Contains(err.Error(), tc.want) || out.Len() != 0 {
				t.Fatalf("err = %.200v, out %q; want an error saying %q and no answer", err, out.String(), tc.want)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("the error shows the value: %v", err)
			}
		})
	}
}
