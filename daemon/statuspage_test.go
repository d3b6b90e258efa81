package daemon

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/driftd/driftd/internal/chromium"
	"github.com/driftd/driftd/internal/fixture"
)

// evilClientID is a client id someone slipped into the W&B env; its
// script must show as text on the page, never run.
const evilClientID = `0oa-wrong<script>document.title="owned"</script>`

func TestTheStatusPageInChromium(t *testing.T) {
	ctx := chromium.Context(t, 2*time.Minute)
	f := fixture.New(t, "prod")
	f.WriteEnv("prod", map[string]string{"OIDC_CLIENT_ID": evilClientID, "OIDC_ISSUER": f.Sim.URL,
		"GORILLA_CORS_ORIGINS": "https://prod.wandb.test, null"})
	base, stop := startDaemon(t, f)
	defer stop()
	if code := reconcileWhenFree(t, base); code != 200 {
		t.Fatalf("reconcile = %d", code)
	}
	loginTitle, findings, title, cookies, png := browse(t, ctx, base)
	shot := filepath.Join(chromium.ArtifactDir(t), "status-page.png")
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the status page: %s", shot)
	if loginTitle != "driftd — log in" {
		t.Errorf("the first page is %q; want the login form", loginTitle)
	}
	for _, want := range []string{"wandb.oidc_client_id", evilClientID, "0oaprodclient", "Drifting since"} {
		if !strings.Contains(findings, want) {
			t.Errorf("the findings table lacks %q:\n%s", want, findings)
		}
	}
	if title != "driftd status" {
		t.Errorf("the page title is %q: the finding's script ran", title)
	}
	if cookies != "" {
		t.Errorf("document.cookie = %q; the session cookie must be HttpOnly", cookies)
	}
	// Logging out leads back to the form, and the page stays closed.
	err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`header button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("token")))
	if err != nil {
		t.Errorf("after logging out the login form did not come back: %v", err)
	}
}

// browse logs in to the status page at base and reads it back: the login
// page's title, prod's findings table, the page's title, what scripts see
// of the cookies, and a screenshot.
func browse(t *testing.T, ctx context.Context, base string) (loginTitle, findings, title, cookies string, png []byte) {
	t.Helper()
	step := "opening the page"
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("driving chromium, %s: %v", step, err)
		}
	}
	must(chromedp.Do(ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("token"))))
	loginTitle, err := chromedp.Run(ctx, chromedp.Title())
	must(err)
	step = "logging in"
	must(chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("token"), apiToken),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("target-prod")),
	))
	step = "reading the page"
	findings, err = chromedp.Run(ctx, chromedp.Text(chromedp.ID("target-prod")))
	must(err)
	title, err = chromedp.Run(ctx, chromedp.Title())
	must(err)
	cookies, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.cookie`))
	must(err)
	png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
	must(err)
	return loginTitle, findings, title, cookies, png
}
