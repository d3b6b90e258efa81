package notify

import (
	"fmt"
	"net/http"
)

// RefuseRedirects is every notifier's http.Client CheckRedirect: a
// redirect is an error, never followed. Go's client re-sends a POST body
// on 307/308 to any host, and slack-go puts the bot token in the body of
// chat.postMessage; a followed redirect would also count another host's
// 200 as a message posted. The error names only the other host (a
// webhook URL's path is itself a secret).
func RefuseRedirects(req *http.Request, _ []*http.Request) error {
	return fmt.Errorf("answered with a redirect to %s, which driftd does not follow: point the URL at the service itself", req.URL.Host)
}
