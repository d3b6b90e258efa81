package oktasim_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/driftd/driftd/internal/fixture"
)

// spec is Okta's management API spec (okta-management-openapi-2026.06.3,
// dist/current/management-oneOfInheritance.yaml), loaded once per test
// process with kin-openapi.
var spec struct {
	once sync.Once
	doc  *openapi3.T
	err  error
}

func loadSpec(tb testing.TB) *openapi3.T {
	tb.Helper()
	file := fixture.ThirdParty(tb, "okta-management-openapi-2026.06.3.yaml.gz")
	spec.once.Do(func() {
		f, err := os.Open(file)
		if err != nil {
			spec.err = err
			return
		}
		defer f.Close()
		gz, err := gzip.NewReader(f)
		if err != nil {
			spec.err = err
			return
		}
		data, err := io.ReadAll(gz)
		if err != nil {
			spec.err = err
			return
		}
		loader := openapi3.NewLoader()
		spec.doc, spec.err = loader.LoadFromData(data)
	})
	if spec.err != nil {
		tb.Fatalf("loading Okta's OpenAPI spec: %v", spec.err)
	}
	return spec.doc
}

// specCheck validates requests to, and answers of, one server against the
// spec.
type specCheck struct {
	router routers.Router
}

// newSpecCheck routes the spec's paths on serverURL.
func newSpecCheck(tb testing.TB, serverURL string) *specCheck {
	tb.Helper()
	doc := *loadSpec(tb)
	doc.Servers = openapi3.Servers{{URL: serverURL}}
	r, err := gorillamux.NewRouter(&doc)
	if err != nil {
		tb.Fatalf("routing the spec: %v", err)
	}
	return &specCheck{router: r}
}

// errNotInSpec is an operation the spec does not describe.
var errNotInSpec = fmt.Errorf("operation not in the spec")

// check validates one exchange: the request (with its body) and the
// answer. Authentication is not the spec's business here (the simulator's
// own tests cover it).
func (c *specCheck) check(req *http.Request, reqBody []byte, status int, header http.Header, respBody []byte) (reqErr, respErr error) {
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		return errNotInSpec, errNotInSpec
	}
	req.Body = io.NopCloser(bytes.NewReader(reqBody))
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	reqErr = openapi3filter.ValidateRequest(context.Background(), in)
	if header.Get("Content-Type") == "" && len(respBody) == 0 {
		header = header.Clone()
		header.Set("Content-Type", "application/json")
	}
	respErr = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: status, Header: header, Body: io.NopCloser(bytes.NewReader(respBody)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	})
	return reqErr, respErr
}

// specErrors splits a kin-openapi (multi) error into one line per problem.
func specErrors(err error) []string {
	if err == nil {
		return nil
	}
	var out []string
	for _, l := range strings.Split(err.Error(), " | ") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// openapi3MultiErrors reports every problem of a value, not the first.
func openapi3MultiErrors() openapi3.SchemaValidationOption { return openapi3.MultiErrors() }
