// Command soak runs `driftd serve` against the Okta simulator with many
// targets on a short schedule and reports what the README quotes: resident
// memory and goroutines over time, missed or overlapping passes, and the
// latency of POST /v1/reconcile (the simulator answers at once, so Okta's
// own latency is excluded).
//
//	go run ./internal/soak -targets 1000 -schedule '@every 10s' -duration 10m
//	go run ./internal/soak -targets 1 -schedule '@every 1m' -duration 3m   # idle
//	go run ./internal/soak -events system_log -schedule '@every 1h' -duration 5m   # change events (events.go)
//	go run ./internal/soak -events kubernetes -schedule '@every 1h' -duration 5m   # Kubernetes watch (kube.go)
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/driftd/driftd/internal/oktasim"
)

func main() {
	targets := flag.Int("targets", 1000, "number of targets")
	schedule := flag.String("schedule", "@every 10s", "schedule")
	interval := flag.Duration("interval", 10*time.Second, "the schedule's interval, for the missed-pass check")
	duration := flag.Duration("duration", 10*time.Minute, "how long to run")
	reconcileEvery := flag.Duration("reconcile-every", 500*time.Millisecond, "POST /v1/reconcile pace (0: none)")
	flag.IntVar(&nofile, "nofile", 0, "the daemon's open-file limit (ulimit -n; 0: inherit)")
	flag.BoolVar(&scrape, "scrape", true, "read goroutines from /metrics at each sample (false: leave an idle daemon alone)")
	events := flag.String("events", "", "measure change detection instead: system_log, event_hook, kubernetes or polling (events.go; kubernetes: kube.go)")
	poll := flag.Duration("poll", 15*time.Second, "okta.events.poll for -events system_log")
	editEvery := flag.Duration("edit-every", 15*time.Second, "-events: an admin edit of a random target this often")
	grace := flag.Duration("grace", 30*time.Second, "-events: how long after the last edit alerts still count")
	flag.Parse()
	if *events != "" {
		s := eventSoak{mode: *events, n: *targets, schedule: *schedule, poll: *poll, editEvery: *editEvery, duration: *duration, grace: *grace}
		if err := s.run(context.Background()); err != nil {
			fmt.Fprintln(os.Stderr, "soak:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(context.Background(), *targets, *schedule, *interval, *duration, *reconcileEvery); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, n int, schedule string, interval, duration, reconcileEvery time.Duration) error {
	dir, sim, cleanup, err := startOkta("driftd-soak-")
	if err != nil {
		return err
	}
	defer cleanup()
	bin, cfgFile, listen, err := prepare(dir, sim, n, schedule)
	if err != nil {
		return err
	}
	cmd, base, err := serve(ctx, bin, cfgFile, listen)
	if err != nil {
		return err
	}
	defer cmd.Process.Kill()
	start := time.Now()
	fmt.Printf("soak: %d targets, schedule %s, %s\n", n, schedule, duration)
	fmt.Printf("%8s %10s %10s %12s\n", "elapsed", "rss_mb", "goroutines", "cpu_s")
	ctx, cancel := context.WithTimeout(ctx, duration)
	defer cancel()
	load := &reconcileLoad{codes: map[int]int{}}
	if reconcileEvery > 0 {
		go load.run(ctx, base, n, reconcileEvery)
	}
	rss, peak := sampleUntilDone(ctx, cmd.Process.Pid, base, start)
	statuses := statusCounts(base)
	hwm := procStatusMB(cmd.Process.Pid, "VmHWM:")
	stop(cmd)
	fmt.Printf("peaks: %d goroutines, %d open fds, VmHWM %.1f MB (limit -nofile %d)\n", peak.goroutines, peak.fds, hwm, nofile)
	fmt.Printf("targets at the end: %v\n", statuses)
	missed, overlapped, passes := passCheck(sim.Requests(), n, interval, start, duration)
	fmt.Printf("passes: %d scheduled reads checked, %d missed, %d overlapped\n", passes, missed, overlapped)
	load.summary()
	if len(rss) > 2 {
		first, last := rss[1], rss[len(rss)-1]
		maxR := 0.0
		for _, r := range rss {
			maxR = max(maxR, r)
		}
		fmt.Printf("rss: after warm-up %.1f MB, at end %.1f MB, max %.1f MB\n", first, last, maxR)
	}
	return nil
}

// prepare builds driftd as the Dockerfile does (static, stripped), seeds the
// simulator with n in-sync apps and writes the config.
func prepare(dir string, sim *oktasim.Server, n int, schedule string) (bin, cfgFile, listen string, err error) {
	bin = filepath.Join(dir, "driftd")
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, "./cmd/driftd")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return "", "", "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	env := filepath.Join(dir, "wandb.env")
	if err := os.WriteFile(env, []byte(fmt.Sprintf("OIDC_CLIENT_ID=0oasoakclient\nOIDC_ISSUER=%s\nGORILLA_CORS_ORIGINS=\"https://wandb.soak.test, null\"\n", sim.URL)), 0o600); err != nil {
		return "", "", "", err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", "", "", err
	}
	listen = ln.Addr().String()
	ln.Close()
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "schedule: %q\nstate_dir: ./state\nretention: 2000\nokta:\n  org_url: %s\n  api_token: %s\nserver:\n  listen: %s\n  token: soak-token\ntargets:\n", schedule, sim.URL, sim.Token, listen)
	for i := range n {
		id := fmt.Sprintf("0oasoak%06d", i)
		sim.PutApp(oktasim.NewWandbApp(id, "0oasoakclient", "https://wandb.soak.test", false))
		if _, err := sim.SetUpSignIn(id, "https://wandb.soak.test"); err != nil {
			return "", "", "", err
		}
		fmt.Fprintf(&cfg, "  - name: t%06d\n    wandb: {url: https://wandb.soak.test, env: {source: file, path: %s}}\n    okta: {app_id: %s}\n    oidc: {client_id: 0oasoakclient, issuer: %s}\n", i, env, id, sim.URL)
	}
	cfgFile = filepath.Join(dir, "driftd.yaml")
	return bin, cfgFile, listen, os.WriteFile(cfgFile, []byte(cfg.String()), 0o600)
}

// serve starts `driftd serve` on cfgFile and waits until it is ready; the
// caller kills it.
func serve(ctx context.Context, bin, cfgFile, listen string) (*exec.Cmd, string, error) {
	cmd := exec.Command(bin, "serve", "--config", cfgFile)
	if nofile > 0 {
		// The limit is the daemon's alone: the simulator in this process
		// holds the other end of every connection.
		cmd = exec.Command("sh", "-c", fmt.Sprintf(`ulimit -n %d && exec "$0" serve --config "$1"`, nofile), bin, cfgFile)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, "", fmt.Errorf("starting driftd serve: %w", err)
	}
	base := "http://" + listen
	if err := waitReady(ctx, base); err != nil {
		_ = cmd.Process.Kill()
		return nil, "", err
	}
	return cmd, base, nil
}

func waitReady(ctx context.Context, base string) error {
	for i := 0; ; i++ {
		if resp, err := get(ctx, base+"/readyz"); err == nil && resp.StatusCode == 200 {
			resp.Body.Close()
			return nil
		}
		if i > 200 {
			return fmt.Errorf("driftd never became ready")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// reconcileLoad sends on-demand runs and records their answers.
type reconcileLoad struct {
	mu        sync.Mutex
	latencies []time.Duration
	codes     map[int]int
}

func (l *reconcileLoad) run(ctx context.Context, base string, n int, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		// Only the first ten targets get on-demand runs, so the others show
		// the schedule alone.
		body := fmt.Sprintf(`{"target":"t%06d"}`, i%min(10, n))
		req, _ := http.NewRequestWithContext(ctx, "POST", base+"/v1/reconcile", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer soak-token")
		t0 := time.Now()
		resp, err := http.DefaultClient.Do(req)
		l.mu.Lock()
		if err != nil {
			l.codes[0]++
			l.mu.Unlock()
			continue
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		l.codes[resp.StatusCode]++
		if resp.StatusCode == 200 {
			l.latencies = append(l.latencies, time.Since(t0))
		}
		l.mu.Unlock()
	}
}

func (l *reconcileLoad) summary() {
	l.mu.Lock()
	defer l.mu.Unlock()
	sort.Slice(l.latencies, func(i, j int) bool { return l.latencies[i] < l.latencies[j] })
	if len(l.latencies) > 0 {
		fmt.Printf("POST /v1/reconcile: %d answered 200, p50 %s, p99 %s, max %s; other codes %v\n", len(l.latencies),
			pct(l.latencies, 0.50), pct(l.latencies, 0.99), l.latencies[len(l.latencies)-1], l.codes)
	}
}

// peaks are the highest goroutine and open-fd counts sampled.
type peaks struct{ goroutines, fds int }

// sampleUntilDone prints RSS, goroutines and CPU every 10 s until ctx ends,
// and samples goroutines and open fds every second for their peaks.
func sampleUntilDone(ctx context.Context, pid int, base string, start time.Time) ([]float64, peaks) {
	var rss []float64
	var peak peaks
	fine := time.NewTicker(time.Second)
	defer fine.Stop()
	finished := make(chan struct{})
	defer func() { <-finished }()
	go func() {
		defer close(finished)
		for {
			select {
			case <-ctx.Done():
				return
			case <-fine.C:
			}
			if fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid)); err == nil {
				peak.fds = max(peak.fds, len(fds))
			}
			peak.goroutines = max(peak.goroutines, goroutines(ctx, base))
		}
	}()
	sample := time.NewTicker(10 * time.Second)
	defer sample.Stop()
	for done := false; !done; {
		select {
		case <-ctx.Done():
			done = true
		case <-sample.C:
		}
		r, c := rssMB(pid), cpuSeconds(pid)
		g := goroutines(context.WithoutCancel(ctx), base)
		rss = append(rss, r)
		fmt.Printf("%8s %10.1f %10d %12.2f\n", time.Since(start).Round(time.Second), r, g, c)
	}
	return rss, peak
}

// statusCounts counts the targets of GET /v1/status by status.
func statusCounts(base string) map[string]int {
	req, _ := http.NewRequest(http.MethodGet, base+"/v1/status", nil)
	req.Header.Set("Authorization", "Bearer soak-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return map[string]int{"unreadable": 1}
	}
	defer resp.Body.Close()
	var st struct {
		Targets []struct {
			Status string `json:"status"`
		} `json:"targets"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&st)
	out := map[string]int{}
	for _, t := range st.Targets {
		out[t.Status]++
	}
	return out
}

// procStatusMB reads a kB field of /proc/PID/status in MB.
func procStatusMB(pid int, field string) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field); ok {
			kb, _ := strconv.Atoi(strings.Fields(v)[0])
			return float64(kb) / 1024
		}
	}
	return 0
}

// stop sends SIGTERM and reports how the daemon exited.
func stop(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		fmt.Printf("shutdown: exit %v\n", exitCode(err))
	case <-time.After(90 * time.Second):
		fmt.Println("shutdown: did not exit within 90s")
	}
}

func pct(d []time.Duration, p float64) time.Duration {
	return d[min(len(d)-1, int(float64(len(d))*p))].Round(10 * time.Microsecond)
}

// passCheck looks at each scheduled-only target's Okta reads: consecutive
// reads further apart than 1.5 intervals are a missed pass; a read that
// starts before the previous one ended is an overlap.
func passCheck(reqs []oktasim.Request, n int, interval time.Duration, start time.Time, duration time.Duration) (missed, overlapped, checked int) {
	byApp := map[string][]oktasim.Request{}
	for _, r := range reqs {
		if strings.HasPrefix(r.Path, "/api/v1/apps/") && r.Start.After(start) && r.Start.Before(start.Add(duration)) {
			byApp[r.Path] = append(byApp[r.Path], r)
		}
	}
	for i := min(10, n); i < n; i++ {
		rs := byApp[fmt.Sprintf("/api/v1/apps/0oasoak%06d", i)]
		for j := 1; j < len(rs); j++ {
			checked++
			if rs[j].Start.Sub(rs[j-1].Start) > interval*3/2 {
				missed++
			}
			if rs[j].Start.Before(rs[j-1].End) {
				overlapped++
			}
		}
	}
	return missed, overlapped, checked
}

func rssMB(pid int) float64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.Fields(v)[0])
			return float64(kb) / 1024
		}
	}
	return 0
}

func cpuSeconds(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	ut, _ := strconv.Atoi(fields[11])
	st, _ := strconv.Atoi(fields[12])
	return float64(ut+st) / 100
}

var (
	scrape = true
	nofile int
)

func goroutines(ctx context.Context, base string) int {
	if !scrape {
		return -1
	}
	resp, err := get(ctx, base+"/metrics")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "go_goroutines "); ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	return -1
}

func get(ctx context.Context, url string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return http.DefaultClient.Do(req)
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}

// startOkta makes the soak's work directory (named with prefix) and its Okta
// simulator, rate limit lifted (the soak measures driftd, not Okta's quota);
// cleanup stops the one and removes the other.
func startOkta(prefix string) (dir string, sim *oktasim.Server, cleanup func(), err error) {
	dir, err = os.MkdirTemp("", prefix)
	if err != nil {
		return "", nil, nil, err
	}
	sim, err = oktasim.Start(oktasim.Options{RateLimit: 1 << 30})
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, nil, err
	}
	return dir, sim, func() { sim.Close(); os.RemoveAll(dir) }, nil
}
