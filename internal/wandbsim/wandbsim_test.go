package wandbsim

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/checks/source"
)

// The simulator reads its env file with compose-go's dotenv, so a file
// written by driftd's FormatDotenv must mean to it what it means to driftd:
// an origin list with quotes, a comment marker and a "$" must allow exactly
// the listed origins.
func TestTheSimulatorReadsAFileWrittenByFormatDotenvAsDriftdDoes(t *testing.T) {
	origins := `https://wandb.acme.com, https://a.example # not a comment, https://x.example/$HOME`
	vars := map[string]string{checks.EnvCORSOrigins: origins, "OIDC_SECRET": `q"uo\te$x`}
	p := filepath.Join(t.TempDir(), "wandb.env")
	if err := os.WriteFile(p, []byte(source.FormatDotenv(vars)), 0o600); err != nil {
		t.Fatal(err)
	}
	read, err := source.EnvFile{Path: p}.Env(context.Background())
	if err != nil || read.Vars[checks.EnvCORSOrigins] != origins {
		t.Fatalf("driftd read %+v, %v", read, err)
	}
	s, err := StartAt("127.0.0.1:0", p)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, o := range checks.ParseOriginList(origins) {
		if code, body := s.Preflight(context.Background(), o); code != http.StatusNoContent {
			t.Errorf("origin %q listed in the file: %d %s", o, code, body)
		}
	}
	if code, _ := s.Preflight(context.Background(), "https://x.example/"); code != http.StatusForbidden {
		t.Errorf("an origin whose $HOME was expanded away was allowed: %d", code)
	}
}
