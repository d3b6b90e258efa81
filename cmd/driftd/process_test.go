package main

import (
	"bufio"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/store"
	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/oktasim"
)

// proc is a `driftd serve` child process with its log collected.
type proc struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	log  strings.Builder
	done chan error
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func startServe(t *testing.T, f *fixture.Fixture, listen string) *proc {
	t.Helper()
	cmd := exec.Command(fixture.Driftd(t), "serve", "--config", f.Cfg)
	cmd.Env = append(os.Environ(), "DRIFTD_TEST_OKTA_TOKEN="+fixture.OktaToken, "DRIFTD_TEST_API_TOKEN="+fixture.APIToken)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, done: make(chan error, 1)}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.mu.Lock()
			p.log.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
		}
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", listen); err == nil {
			c.Close()
			return p
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("driftd serve did not listen on %s:\n%s", listen, p.logs())
	return nil
}

func (p *proc) logs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

func (p *proc) waitLog(t *testing.T, substr string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if strings.Contains(p.logs(), substr) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("log never showed %q:\n%s", substr, p.logs())
}

func (p *proc) wait(t *testing.T, within time.Duration) error {
	t.Helper()
	select {
	case err := <-p.done:
		return err
	case <-time.After(within):
		t.Fatalf("driftd did not exit within %s:\n%s", within, p.logs())
		return nil
	}
}

// serveConfig serves f on listen with an hourly schedule and the System
// Log follower off: the only Okta requests are the passes'.
func serveConfig(f *fixture.Fixture, listen string) {
	body := strings.Replace(f.Body, "okta:\n", "okta:\n  events: {poll: 0s}\n", 1)
	f.WriteConfig(strings.Replace(body, "server:\n", "schedule: \"@every 1h\"\nserver:\n  listen: "+listen+"\n", 1))
}

// servedFixture runs `driftd serve` on a one-target fixture and waits for
// its start-up pass.
func servedFixture(t *testing.T) (*fixture.Fixture, string, *proc) {
	t.Helper()
	f := fixture.New(t, "prod")
	listen := freePort(t)
	serveConfig(f, listen)
	p := startServe(t, f, listen)
	p.waitLog(t, `"msg":"pass"`)
	return f, listen, p
}

func TestSIGHUPReloadsAGoodConfigAndKeepsTheOldOneOnABadOne(t *testing.T) {
	f, listen, p := servedFixture(t)

	good := strings.Replace(fixture.ReadFile(t, f.Cfg), "@every 1h", "@every 2h", 1)
	f.WriteConfig(good)
	_ = p.cmd.Process.Signal(syscall.SIGHUP)
	p.waitLog(t, `"msg":"config reloaded"`)

	f.WriteConfig(good + "bogus_key: 1\n")
	_ = p.cmd.Process.Signal(syscall.SIGHUP)
	p.waitLog(t, `bogus_key: unknown key`)
	if code, _ := fixture.Call(t, "GET", "http://"+listen+"/v1/status", fixture.APIToken, ""); code != 200 {
		t.Fatalf("the daemon must keep serving the old config, status %d", code)
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.wait(t, 10*time.Second); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, p.logs())
	}
	if strings.Contains(p.logs(), fixture.OktaToken) || strings.Contains(p.logs(), fixture.APIToken) {
		t.Fatal("a secret reached the log")
	}
}

func TestSIGTERMDuringASlowPassExitsCleanly(t *testing.T) {
	f := fixture.New(t, "prod")
	listen := freePort(t)
	serveConfig(f, listen)
	hold := oktasim.NewHold()
	t.Cleanup(hold.Release)
	f.Sim.InjectFaults(oktasim.Fault{Kind: oktasim.FaultHold, Hold: hold})
	p := startServe(t, f, listen)
	p.waitHeld(t, hold) // the start-up pass is waiting on Okta
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	p.waitLog(t, `"msg":"shutting down`)
	hold.Release() // Okta answers while shutdown waits for the pass
	if err := p.wait(t, 15*time.Second); err != nil {
		t.Fatalf("exit: %v\n%s", err, p.logs())
	}
	if !strings.Contains(p.logs(), `"msg":"driftd stopped"`) {
		t.Fatalf("no clean stop in the log:\n%s", p.logs())
	}
}

// waitHeld waits until a request of driftd's is held inside the Okta
// simulator.
func (p *proc) waitHeld(t *testing.T, hold *oktasim.Hold) {
	t.Helper()
	select {
	case <-hold.Entered():
	case err := <-p.done:
		t.Fatalf("driftd exited (%v) before a request reached Okta:\n%s", err, p.logs())
	case <-time.After(time.Minute):
		t.Fatalf("no request of driftd's reached Okta within a minute:\n%s", p.logs())
	}
}

func TestSIGKILLMidPassLeavesAStoreThatOpens(t *testing.T) {
	f, listen, p := servedFixture(t)
	cfg, err := config.LoadConfig(f.Cfg)
	if err != nil {
		t.Fatal(err)
	}
	hold := oktasim.NewHold()
	t.Cleanup(hold.Release)
	f.Sim.InjectFaults(oktasim.Fault{Kind: oktasim.FaultHold, Hold: hold})
	go func() {
		// The answer never comes: the process is killed mid-pass.
		req, _ := http.NewRequest("POST", "http://"+listen+"/v1/reconcile", strings.NewReader(`{"target":"prod"}`))
		req.Header.Set("Authorization", "Bearer "+fixture.APIToken)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	// The start-up pass is over (servedFixture saw it) and the schedule
	// is hourly: the request held in Okta is the on-demand pass's.
	p.waitHeld(t, hold)
	_ = p.cmd.Process.Kill()
	_ = p.wait(t, time.Minute)
	s, err := store.OpenStore(cfg.StateDir, 0)
	if err != nil {
		t.Fatalf("store after SIGKILL: %v", err)
	}
	defer s.Close()
	// The start-up pass's record is kept; the killed one left none.
	if n, err := s.RunCount(); err != nil || n != 1 {
		t.Fatalf("runs after SIGKILL: %d, %v; want the start-up pass's alone", n, err)
	}
}
