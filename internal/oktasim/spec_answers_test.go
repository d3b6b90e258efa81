package oktasim_test

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
)

// specException is a rule of Okta's spec that real Okta itself breaks, so
// the simulator, answering as Okta does, breaks it too. Each names the
// recording that proves Okta answers that way.
type specException struct {
	path    string // a substring of the request path; "" for any
	problem string // a substring of kin-openapi's message
	reason  string
}

var specExceptions = []specException{
	{"/api/v1/apps", `"/accessibility/errorRedirectUrl": Value is not nullable`, "Okta answers null for an app's unset error redirect URL; the spec's AccessibilityErrorRedirectUrl is a non-nullable string"},
	{"/api/v1/apps", `"/accessibility/loginRedirectUrl": Value is not nullable`, "Okta answers null for an app's unset login redirect URL; the spec's string is not nullable"},
	{"/api/v1/apps", `"/notifications/vpn/message": Value is not nullable`, "Okta answers null for the VPN notification's unset message"},
	{"/api/v1/apps", `"/notifications/vpn/helpUrl": Value is not nullable`, "Okta answers null for the VPN notification's unset help URL"},
	{"/api/v1/apps", `"/notes/enduser": Value is not nullable`, "Okta answers null for an app's unset end-user note"},
	{"/api/v1/apps", `"/oauthClient/logo_uri": Value is not nullable`, "Okta answers null for an OIDC app's unset logo_uri"},
	{"/api/v1/policies", `"/_embedded/resourceType": value must be an object`, "Okta lists access policies with _embedded.resourceType a string (\"APP\"); the spec's _embedded holds only objects"},
	{"/api/v1/authorizationServers", "status is not supported", "Okta answers 401 E0000015 when the org lacks API Access Management; the spec lists no 401 for these operations"},
}

// TestSimulatorAnswersFollowTheSpec validates every answer the simulator
// gives while the recordings are replayed (TestRecordedOktaAnswersConform's
// requests) against Okta's OpenAPI spec with kin-openapi: status code,
// headers and body schema of the operation. Answers of operations the spec
// does not describe (the admin console's internal idToken endpoint) are
// counted apart. A problem not in specExceptions fails the test.
func TestSimulatorAnswersFollowTheSpec(t *testing.T) {
	total, valid, excepted, unspecified, unserved := 0, 0, 0, 0, 0
	problems := map[string]int{}
	used := map[int]bool{}
	proof := map[int]string{} // exception -> a recording whose real answer breaks the same rule
	for _, c := range loadCassettes(t) {
		if len(c.Interactions) == 0 {
			continue
		}
		r := newReplayer(t, c.Interactions[0].Request.URL)
		r.disableMissingFeatures(c)
		sc := newSpecCheck(t, r.sim.URL)
		var recCode int
		var recBody string
		r.observe = func(req *http.Request, reqBody []byte, resp *http.Response, respBody []byte) {
			total++
			if recCode == resp.StatusCode {
				// Real Okta's own answer to the same request, against the same rules.
				_, recErr := sc.check(req.Clone(req.Context()), reqBody, recCode, http.Header{"Content-Type": {"application/json"}}, []byte(r.rewrite(recBody)))
				for _, p := range specErrors(recErr) {
					if i := specExceptionFor(req.URL.Path, p); i >= 0 && proof[i] == "" {
						proof[i] = c.Name
					}
				}
			}
			_, err := sc.check(req, reqBody, resp.StatusCode, resp.Header, respBody)
			switch {
			case err == errNotInSpec:
				unspecified++
			case resp.StatusCode == http.StatusMethodNotAllowed && strings.Contains(string(respBody), `"E0000022"`):
				// An operation the simulator does not serve (the conformance
				// test's exceptions name them): nothing to hold to the spec.
				unserved++
			case err == nil:
				valid++
			default:
				all := true
				for _, p := range specErrors(err) {
					i := specExceptionFor(req.URL.Path, p)
					if i < 0 {
						all = false
						problems[c.Name+" "+req.Method+" "+req.URL.Path+": "+p]++
						continue
					}
					used[i] = true
				}
				if all {
					excepted++
				}
			}
		}
		for _, it := range c.Interactions {
			recCode, recBody = it.Response.Code, it.Response.Body
			r.play(it.Request.Method, it.Request.URL, it.Request.Body, it.Response.Code, it.Response.Body)
		}
	}
	t.Logf("%d of %d simulator answers follow the spec; %d break it only as the exceptions say; %d are of operations the spec does not describe; %d of operations the simulator does not serve",
		valid, total, excepted, unspecified, unserved)
	readmeSays(t, fmt.Sprintf("**%d of %d answers follow the spec; %d break it only where real Okta does too; %d are of", valid, total, excepted, unspecified),
		fmt.Sprintf("%d are of operations the simulator does not serve**", unserved))
	keys := make([]string, 0, len(problems))
	for k := range problems {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Errorf("breaks the spec (%d×): %s", problems[k], k)
	}
	for i, e := range specExceptions {
		switch {
		case !used[i]:
			t.Errorf("spec exception %q matches no answer: remove it", e.problem)
		case proof[i] == "":
			t.Errorf("spec exception %q: no recorded answer of real Okta breaks that rule, so the simulator must not", e.problem)
		default:
			t.Logf("spec exception %q, proven by %s: %s", e.problem, proof[i], e.reason)
		}
	}
}

func specExceptionFor(path, problem string) int {
	for i, e := range specExceptions {
		if strings.Contains(path, e.path) && strings.Contains(problem, e.problem) {
			return i
		}
	}
	return -1
}
