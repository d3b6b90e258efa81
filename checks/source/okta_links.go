package source

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// maxListPages bounds one paged Okta list: 500 pages of pageLimit (200) is
// 100,000 entries, far past any org's trusted origins or an app's group
// assignments, and a list that never ends is an error, not a hang.
const maxListPages = 500

// errPageLoop and errTooManyPages end a paged list Okta never ends.
var (
	errPageLoop     = errors.New("Okta's next link names a page already read (a paging loop)")
	errTooManyPages = fmt.Errorf("Okta's list goes on past %d pages", maxListPages)
)

// pageGuard bounds a Link-paged list. Okta's cursors (`after`) only move
// forward, so a next link seen before is a loop.
type pageGuard struct {
	seen map[string]bool
}

// check is called with each next link before it is followed.
func (g *pageGuard) check(next string) error {
	if g.seen == nil {
		g.seen = map[string]bool{}
	}
	if g.seen[next] {
		return errPageLoop
	}
	if len(g.seen) >= maxListPages-1 {
		return errTooManyPages
	}
	g.seen[next] = true
	return nil
}

// OffOrgError is a request, or a Link in an answer, that names a place other
// than the reader's Okta org. The SSWS token or access token is never sent
// there.
type OffOrgError struct {
	Org  string
	What string
}

func (e *OffOrgError) Error() string {
	return fmt.Sprintf("%s, not the org %s: refusing it (the token would be sent elsewhere)", e.What, e.Org)
}

// orgOnly keeps an Okta reader's requests on its org. The SDK follows a
// Link rel="next" by dropping the link's scheme and host and prefixing the
// org URL to the rest (okta-sdk-golang v2.20.0 okta/requestExecutor.go,
// newResponse and NewRequest: `url = re.config.Okta.Client.OrgUrl + url`),
// so a link such as <@evil.example/…> or <.evil.example/…> would send the
// token to another host, and one url.Parse refuses makes the SDK dereference
// a nil URL (newResponse ignores Parse's error). Every answer's Link headers
// are therefore checked before the SDK reads them, and every request's host
// before it leaves.
func orgOnly(next http.RoundTripper, org *url.URL) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		u := req.URL
		if u.User != nil || !strings.EqualFold(u.Scheme, org.Scheme) || !strings.EqualFold(u.Host, org.Host) {
			return nil, &OffOrgError{Org: org.Host, What: "a request to " + BoundMessage(u.Redacted(), 256)}
		}
		resp, err := next.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		if err := checkLinks(resp.Header.Values("Link"), org); err != nil {
			drain(resp)
			return nil, err
		}
		return resp, nil
	})
}

// checkLinks reads Link headers as the SDK's newResponse does (one link per
// value, `<url>; rel="…"`) and refuses any link that does not parse or
// would take the SDK's next request off the org's paths.
func checkLinks(links []string, org *url.URL) error {
	for _, link := range links {
		parts := strings.Split(link, ";")
		if len(parts) < 2 {
			continue
		}
		raw := strings.TrimRight(strings.TrimLeft(parts[0], "<"), ">")
		off := &OffOrgError{Org: org.Host, What: "Okta's answer links to " + fmt.Sprintf("%q", BoundMessage(raw, 256))}
		u, err := url.Parse(raw)
		if err != nil || u.User != nil {
			return off
		}
		// An absolute link's scheme and host are dropped by the SDK, so it
		// is read from the org whatever host it names (Okta names the host
		// the request came to; under a custom domain that may differ).
		u.Scheme, u.Host = "", ""
		if !strings.HasPrefix(u.String(), "/") {
			return off
		}
	}
	return nil
}
