package oktasim_test

import (
	"archive/tar"
	"compress/gzip"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/driftd/driftd/internal/fixture"
)

// cassette is one go-vcr v2 recording of the okta provider's acceptance
// tests against a real Okta org (okta/terraform-provider-okta v6.12.0
// test/fixtures/vcr/idaas/<Test>/<org kind>-00.yaml; the format is
// gopkg.in/dnaeon/go-vcr.v2 cassette.Cassette).
type cassette struct {
	Name         string `yaml:"-"`
	Interactions []struct {
		ID      int `yaml:"id"`
		Request struct {
			Body    string              `yaml:"body"`
			URL     string              `yaml:"url"`
			Method  string              `yaml:"method"`
			Headers map[string][]string `yaml:"headers"`
		} `yaml:"request"`
		Response struct {
			Body    string              `yaml:"body"`
			Code    int                 `yaml:"code"`
			Headers map[string][]string `yaml:"headers"`
		} `yaml:"response"`
	} `yaml:"interactions"`
}

// loadCassettes reads every recording from ../shared/third_party's
// okta-vcr-6.12.0.tar.gz, sorted by name (Test/org-kind).
func loadCassettes(tb testing.TB) []cassette {
	tb.Helper()
	f, err := os.Open(fixture.ThirdParty(tb, "okta-vcr-6.12.0.tar.gz"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	var out []cassette
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg || !strings.HasSuffix(h.Name, ".yaml") {
			continue
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			tb.Fatal(err)
		}
		var c cassette
		if err := yaml.Unmarshal(body, &c); err != nil {
			tb.Fatalf("reading %s: %v", h.Name, err)
		}
		c.Name = path.Base(path.Dir(h.Name)) + "/" + path.Base(h.Name)
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	if len(out) == 0 {
		tb.Fatal("okta-vcr-6.12.0.tar.gz holds no recordings")
	}
	return out
}
