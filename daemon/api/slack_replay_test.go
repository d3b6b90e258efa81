package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/report"
)

// TestAReplayWithTheSignatureInOtherLettersIsStillAReplay: slack-go decodes
// X-Slack-Signature's hex, so "v0=ABCD…" verifies as "v0=abcd…" does. A
// captured click replayed with its signature's hex digits upper-cased
// (or any mix) must still be refused as a replay.
func TestAReplayWithTheSignatureInOtherLettersIsStillAReplay(t *testing.T) {
	fa := newFakeApprovals("UALICE")
	h := slackHandler(fa)
	now := time.Now()
	first := signedClick(slackSecret, report.ApplyActionID, "p1", "UALICE", "alice", now)
	sig := first.Header.Get("X-Slack-Signature")
	if code, body := serve(h, first); code != http.StatusOK {
		t.Fatalf("the first click: %d %s", code, body)
	}
	for _, variant := range []string{"v0=" + strings.ToUpper(strings.TrimPrefix(sig, "v0=")), sig[:10] + strings.ToUpper(sig[10:20]) + sig[20:]} {
		again := signedClick(slackSecret, report.ApplyActionID, "p1", "UALICE", "alice", now)
		again.Header.Set("X-Slack-Signature", variant)
		if code, body := serve(h, again); code != http.StatusUnauthorized || !strings.Contains(body, "replayed Slack request") {
			t.Errorf("the click replayed with signature %s: %d %s; want 401 replayed", variant, code, body)
		}
	}
	if len(fa.approved) != 1 {
		t.Errorf("approved %v; want the first click only", fa.approved)
	}
}
