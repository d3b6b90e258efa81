package api

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/driftd/driftd/internal/chromium"
)

// TestTheStatusPageStatesInChromium renders each state of the page in a
// real browser, under the page's own CSP, and keeps a screenshot of each
// in $DRIFTD_ARTIFACTS for a person to look at.
func TestTheStatusPageStatesInChromium(t *testing.T) {
	ctx := chromium.Context(t, 3*time.Minute)
	dir := chromium.ArtifactDir(t)
	states := pageStates()
	for _, state := range []string{"ok", "drift", "error", "approve"} {
		t.Run("the "+state+" page", func(t *testing.T) {
			base := newPageServer(t, states[state]).URL
			must := func(step string, err error) {
				t.Helper()
				if err != nil {
					t.Fatalf("driving chromium, %s: %v", step, err)
				}
			}
			must("logging in", chromedp.Do(ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("token")),
				chromedp.SendKeys(chromedp.ID("token"), "api-secret"), chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
				chromedp.WaitVisible(chromedp.ID("target-prod"))))
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			must("taking the screenshot", err)
			shot := filepath.Join(dir, "status-"+state+".png")
			must("writing the screenshot", os.WriteFile(shot, png, 0o644))
			t.Logf("screenshot of the %s page: %s", state, shot)

			title, err := chromedp.Run(ctx, chromedp.Title())
			must("reading the title", err)
			if title != "driftd status" {
				t.Errorf("the title is %q: a script from a message ran", title)
			}
			text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
			must("reading the text", err)
			if strings.Contains(text, "`") {
				t.Errorf("the page shows a literal backtick:\n%s", text)
			}
			legend, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#target-prod figcaption")))
			must("reading the legend", err)
			for _, key := range []string{"ok", "drift", "error", "tall bar: a fix was planned or made"} {
				if !strings.Contains(legend, key) {
					t.Errorf("the legend %q lacks %q", legend, key)
				}
			}
			// The axis labels must sit inside the strip, not be cut off.
			axis, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll("#target-prod .tick-label")].every(e => {
				const t = e.getBoundingClientRect(), s = e.closest("svg").getBoundingClientRect();
				return t.width > 0 && t.left >= s.left - 0.5 && t.right <= s.right + 0.5 && t.bottom <= s.bottom + 0.5 })`))
			must("measuring the axis", err)
			if !axis {
				t.Error("an axis label falls outside the timeline")
			}
			// Nothing may stick out of its target's card (a long value once pushed the table out).
			fits, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll("section.target > *")].every(e => {
				const s = e.closest("section"), pad = parseFloat(getComputedStyle(s).paddingRight);
				return e.getBoundingClientRect().right <= s.getBoundingClientRect().right - pad + 0.5 })`))
			must("measuring the cards", err)
			if !fits {
				t.Error("something sticks out of a target's card")
			}
		})
	}
}
