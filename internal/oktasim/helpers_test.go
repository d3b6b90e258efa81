package oktasim_test

import (
	"context"
	"testing"

	"github.com/driftd/driftd/internal/oktasim"
	"github.com/okta/okta-sdk-golang/v2/okta"
)

// startSim runs a simulator for one test.
func startSim(t *testing.T, opts oktasim.Options) *oktasim.Server {
	t.Helper()
	sim, err := oktasim.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	return sim
}

// sswsClient is the real okta-sdk-golang v2 client with the API token.
func sswsClient(t *testing.T, sim *oktasim.Server) *okta.Client {
	t.Helper()
	_, c, err := okta.NewClient(context.Background(), okta.WithOrgUrl(sim.URL), okta.WithToken(sim.Token),
		okta.WithTestingDisableHttpsCheck(true), okta.WithCache(false), okta.WithRequestTimeout(10), okta.WithRateLimitMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wandbApp loads the W&B app fixture and returns its id.
func wandbApp(t *testing.T, sim *oktasim.Server) string {
	t.Helper()
	sim.PutApp(oktasim.NewWandbApp("0oawandb", "0oawandbclient", "https://wandb.acme.test", false))
	return "0oawandb"
}

func ptr[T any](v T) *T { return &v }
