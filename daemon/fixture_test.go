package daemon

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/internal/oktasim"
)

// fixture is an Okta simulator, a W&B env file per target and a config
// pointing at both, all in a temp dir.
type fixture struct {
	t    testing.TB
	dir  string
	sim  *oktasim.Server
	cfg  string
	body string
}

const fixtureToken = "00SECRET-okta-token-never-printed"

func newFixture(t testing.TB, targets ...string) *fixture {
	t.Helper()
	sim, err := oktasim.Start(oktasim.Options{Token: fixtureToken})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	f := &fixture{t: t, dir: t.TempDir(), sim: sim}
	var b strings.Builder
	fmt.Fprintf(&b, "state_dir: ./state\nokta:\n  org_url: %s\n  api_token: ${DRIFTD_TEST_OKTA_TOKEN}\nserver:\n  token: ${DRIFTD_TEST_API_TOKEN}\ntargets:\n", sim.URL)
	for _, name := range targets {
		appID := "0oa" + name
		url := "https://" + name + ".wandb.test"
		sim.PutApp(oktasim.NewWandbApp(appID, appID+"client", url, false))
		f.writeEnv(name, map[string]string{"OIDC_CLIENT_ID": appID + "client", "OIDC_ISSUER": sim.URL, "GORILLA_CORS_ORIGINS": url + ", null"})
		fmt.Fprintf(&b, "  - name: %s\n    wandb:\n      url: %s\n      env: {source: file, path: ./%s.env}\n    okta: {app_id: %s}\n    oidc: {client_id: %sclient, issuer: %s}\n",
			name, url, name, appID, appID, sim.URL)
	}
	f.body = b.String()
	f.cfg = filepath.Join(f.dir, "driftd.yaml")
	f.writeConfig(f.body)
	t.Setenv("DRIFTD_TEST_OKTA_TOKEN", fixtureToken)
	t.Setenv("DRIFTD_TEST_API_TOKEN", "api-token-never-printed")
	return f
}

func (f *fixture) writeConfig(body string) {
	f.t.Helper()
	if err := os.WriteFile(f.cfg, []byte(body), 0o600); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) writeEnv(target string, vars map[string]string) {
	f.t.Helper()
	if err := os.WriteFile(filepath.Join(f.dir, target+".env"), []byte(checks.FormatDotenv(vars)), 0o600); err != nil {
		f.t.Fatal(err)
	}
}

// run runs the CLI in-process and fails the test if a secret shows.
func (f *fixture) run(args ...string) (code int, stdout, stderr string) {
	f.t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, &out, &errb)
	for _, secret := range []string{fixtureToken, "api-token-never-printed"} {
		if strings.Contains(out.String(), secret) || strings.Contains(errb.String(), secret) {
			f.t.Fatalf("a secret leaked into the output of %v:\n%s\n%s", args, out.String(), errb.String())
		}
	}
	return code, out.String(), errb.String()
}

var logMu sync.Mutex
