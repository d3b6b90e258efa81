// Package chromium starts the headless Chromium that the status page's
// tests drive with chromedp, and says where their screenshots go. It is
// for tests only; it must not import daemon or cmd.
package chromium

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/driftd/driftd/internal/ci"
)

// Path finds Debian's chromium (.ci/run installs it), or the one
// $DRIFTD_CHROMIUM names: a test that needs it skips on a workstation
// without it but fails in CI.
func Path(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("DRIFTD_CHROMIUM"); p != "" {
		return p
	}
	p, err := exec.LookPath("chromium")
	if err != nil {
		ci.MissingTool(t, "chromium is not installed (.ci/run installs Debian's chromium): %v", err)
	}
	return p
}

// Context starts a headless Chromium with the flags this machine needs
// (no sandbox as root, no background networking on a closed network) and
// a fresh profile; it ends with the test or after timeout.
func Context(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(Path(t)), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1000),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// ArtifactDir is where screenshots go: $DRIFTD_ARTIFACTS (CI keeps
// .ci-artifacts/) or the test's temp dir.
func ArtifactDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("DRIFTD_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}
