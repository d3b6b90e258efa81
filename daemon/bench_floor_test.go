package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/internal/fixture"
)

// recordedGET is one request a pass made: its URL and Authorization.
type recordedGET struct{ url, auth string }

// recorder keeps the Okta GETs of one pass, as the engine's observer.
type recorder struct {
	on   bool
	mu   sync.Mutex
	gets []recordedGET
}

func (r *recorder) observe(req *http.Request, _ *http.Response, _ error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.on {
		r.gets = append(r.gets, recordedGET{url: req.URL.String(), auth: req.Header.Get("Authorization")})
	}
}

// floorPass makes gets as bare GETs, each body decoded as JSON, cfg's
// concurrency targets at once and each target's reads at once, as a pass
// does: the least a pass that reads the same answers can cost.
func floorPass(b *testing.B, client *http.Client, groups [][]recordedGET, concurrency int) {
	sem := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	for _, g := range groups {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			var inner sync.WaitGroup
			for _, get := range g {
				inner.Add(1)
				go func() {
					defer inner.Done()
					req, _ := http.NewRequest(http.MethodGet, get.url, nil)
					req.Header.Set("Authorization", get.auth)
					req.Header.Set("Accept", "application/json")
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					defer resp.Body.Close()
					var v any
					if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || resp.StatusCode != http.StatusOK {
						b.Errorf("GET %s: %d %v", get.url, resp.StatusCode, err)
					}
				}()
			}
			inner.Wait()
		}()
	}
	wg.Wait()
}

// groupByTarget splits a pass's GETs into one group per app id (the
// reads of one target), the shared reads each in a group of their own.
func groupByTarget(gets []recordedGET, appIDs []string) [][]recordedGET {
	sort.Slice(appIDs, func(i, j int) bool { return len(appIDs[i]) > len(appIDs[j]) })
	by := map[string][]recordedGET{}
	var out [][]recordedGET
	for _, g := range gets {
		owner := ""
		for _, id := range appIDs {
			if containsSegment(g.url, id) {
				owner = id
				break
			}
		}
		if owner == "" {
			out = append(out, []recordedGET{g})
			continue
		}
		by[owner] = append(by[owner], g)
	}
	for _, g := range by {
		out = append(out, g)
	}
	return out
}

func containsSegment(url, id string) bool {
	for i := 0; i+len(id) <= len(url); i++ {
		if url[i:i+len(id)] == id && (i+len(id) == len(url) || url[i+len(id)] == '/' || url[i+len(id)] == '?') && i > 0 && url[i-1] == '/' {
			return true
		}
	}
	return false
}

// BenchmarkCheckPassVersusFloor runs, in each iteration, one check pass and
// its floor: the same GETs of the same simulator, bare and decoded, at the
// same concurrency. Alternating the two inside one run keeps a busy
// machine's drift out of their ratio. It reports each one's wall time and
// allocation per pass and the ratios.
func BenchmarkCheckPassVersusFloor(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("targets=%d", n), func(b *testing.B) {
			sim, file := fixture.Fleet(b, n)
			cfg, err := config.LoadConfig(file)
			if err != nil {
				b.Fatal(err)
			}
			rec := &recorder{on: true}
			engine, err := NewEngine(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), EngineOptions{OnResponse: rec.observe})
			if err != nil {
				b.Fatal(err)
			}
			targets, _ := cfg.Select("")
			if rep := engine.CheckAll(context.Background(), targets); rep.ExitCode() != 0 {
				b.Fatalf("pass not in sync: %+v", rep.Targets[0])
			}
			rec.mu.Lock()
			rec.on = false
			// The pass's one discovery read, which no observer sees.
			gets := append(rec.gets, recordedGET{url: strings.TrimRight(cfg.Targets[0].OIDC.Issuer, "/") + "/.well-known/openid-configuration"})
			rec.mu.Unlock()
			ids := make([]string, len(cfg.Targets))
			for i, t := range cfg.Targets {
				ids[i] = t.Okta.AppID
			}
			groups := groupByTarget(gets, ids)
			// The floor's pool is driftd's, so the two differ only in what
			// driftd does beside the GETs.
			client := &http.Client{Transport: orgTransport(cfg.Concurrency)}
			sim.ResetCounts()
			var passT, floorT time.Duration
			var passB, floorB uint64
			var ms runtime.MemStats
			alloc := func() uint64 { runtime.ReadMemStats(&ms); return ms.TotalAlloc }
			b.ResetTimer()
			for range b.N {
				a0, t0 := alloc(), time.Now()
				if rep := engine.CheckAll(context.Background(), targets); rep.ExitCode() != 0 {
					b.Fatalf("pass not in sync: %+v", rep.Targets[0])
				}
				passT += time.Since(t0)
				a1, t1 := alloc(), time.Now()
				floorPass(b, client, groups, cfg.Concurrency)
				floorT += time.Since(t1)
				floorB += alloc() - a1
				passB += a1 - a0
			}
			b.StopTimer()
			nf := float64(b.N)
			b.ReportMetric(float64(passT.Microseconds())/1e3/nf, "pass-ms")
			b.ReportMetric(float64(floorT.Microseconds())/1e3/nf, "floor-ms")
			b.ReportMetric(float64(passT)/float64(floorT), "time-ratio")
			b.ReportMetric(float64(passB)/nf/(1<<20), "pass-MB")
			b.ReportMetric(float64(floorB)/nf/(1<<20), "floor-MB")
			b.ReportMetric(float64(passB)/float64(floorB), "alloc-ratio")
			b.ReportMetric(float64(len(gets))/float64(n), "req/target")
		})
	}
}
