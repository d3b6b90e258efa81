package oktasim_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/driftd/driftd/internal/oktasim"
)

// replayer sends a recording's requests to a fresh simulator in recorded
// order, and learns which simulator id stands for each recorded id from
// the answers, so later requests name the simulator's objects.
type replayer struct {
	sim     *oktasim.Server
	recHost string            // https://oie-00.dne-okta.com
	ids     map[string]string // recorded id -> simulator id
	// observe, when set, sees every exchange with the simulator.
	observe func(req *http.Request, reqBody []byte, resp *http.Response, respBody []byte)
}

// outcome is one interaction's verdict: the differences found, none when
// it conforms.
type outcome struct {
	method, path string
	diffs        []string
}

// recordedID is how Okta's ids look: 20 characters of [0-9A-Za-z] whose
// first three name the kind (0oa app, 00g group, tos trusted origin...).
var recordedID = regexp.MustCompile(`^[0-9a-zA-Z]{20}$`)

func newReplayer(tb testing.TB, recURL string) *replayer {
	tb.Helper()
	sim, err := oktasim.Start(oktasim.Options{RateLimit: 1 << 30})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(sim.Close)
	u, err := url.Parse(recURL)
	if err != nil {
		tb.Fatal(err)
	}
	return &replayer{sim: sim, recHost: u.Scheme + "://" + u.Host, ids: map[string]string{}}
}

// rewrite turns recorded text (a URL or a body) into the simulator's: its
// host, and every recorded id it has learned.
func (r *replayer) rewrite(s string) string {
	pairs := []string{r.recHost, r.sim.URL}
	for rec, sim := range r.ids {
		pairs = append(pairs, rec, sim)
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// play sends one recorded request and compares the simulator's answer
// with the recorded one.
func (r *replayer) play(method, recURL, recBody string, recCode int, recResp string) outcome {
	target := r.rewrite(recURL)
	u, _ := url.Parse(target)
	out := outcome{method: method, path: u.Path}
	var body io.Reader
	sent := []byte(r.rewrite(recBody))
	if recBody != "" {
		body = bytes.NewReader(sent)
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		out.diffs = append(out.diffs, err.Error())
		return out
	}
	req.Header.Set("Authorization", "SSWS "+r.sim.Token)
	req.Header.Set("Accept", "application/json")
	if recBody != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		out.diffs = append(out.diffs, err.Error())
		return out
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if r.observe != nil {
		r.observe(req, sent, resp, got)
	}
	if resp.StatusCode != recCode {
		out.diffs = append(out.diffs, fmt.Sprintf("status %d, recorded %d: %.200s", resp.StatusCode, recCode, got))
		return out
	}
	out.diffs = append(out.diffs, r.compareBodies(strings.TrimSpace(recResp), bytes.TrimSpace(got))...)
	return out
}

// compareBodies compares two answers' JSON shape and learns ids from them.
func (r *replayer) compareBodies(rec string, got []byte) []string {
	if rec == "" || len(got) == 0 {
		if rec == "" && len(got) == 0 {
			return nil
		}
		return []string{fmt.Sprintf("body %.80q, recorded %.80q", got, rec)}
	}
	var rv, gv any
	if err := json.Unmarshal([]byte(rec), &rv); err != nil {
		return []string{"recorded body is not JSON: " + err.Error()}
	}
	if err := json.Unmarshal(got, &gv); err != nil {
		return []string{"body is not JSON: " + err.Error()}
	}
	r.learn(rv, gv)
	var diffs []string
	compareShape("$", rv, gv, &diffs)
	return diffs
}

// idKey says whether a key holds an id whose recorded value names an
// object the simulator made under another id.
func idKey(k string) bool {
	return k == "id" || k == "client_id" || strings.HasSuffix(k, "Id") && k != "errorId" && k != "externalId"
}

// learn walks a recorded answer and the simulator's side by side and maps
// each recorded id to the simulator's.
func (r *replayer) learn(rec, got any) {
	switch rv := rec.(type) {
	case map[string]any:
		gv, ok := got.(map[string]any)
		if !ok {
			return
		}
		for k, v := range rv {
			rs, rok := v.(string)
			gs, gok := gv[k].(string)
			if idKey(k) && rok && gok && recordedID.MatchString(rs) && rs != gs {
				if _, known := r.ids[rs]; !known {
					r.ids[rs] = gs
				}
				continue
			}
			r.learn(v, gv[k])
		}
	case []any:
		gv, ok := got.([]any)
		if !ok {
			return
		}
		for i, g := range pairElements(rv, gv, r.ids) {
			if g >= 0 {
				r.learn(rv[i], gv[g])
			}
		}
	}
}

// pairElements pairs each recorded list element with the simulator's:
// by a known id, then by name, label or profile.name, else by position.
func pairElements(rec, got []any, ids map[string]string) []int {
	byKey := map[string]int{}
	for j, g := range got {
		m, _ := g.(map[string]any)
		if id, ok := m["id"].(string); ok {
			byKey["id:"+id] = j
		}
		if n := nameOf(m); n != "" {
			if _, dup := byKey[n]; !dup {
				byKey[n] = j
			}
		}
	}
	out := make([]int, len(rec))
	for i, rv := range rec {
		out[i] = -1
		m, _ := rv.(map[string]any)
		if id, ok := m["id"].(string); ok && ids[id] != "" {
			if j, ok := byKey["id:"+ids[id]]; ok {
				out[i] = j
				continue
			}
		}
		if n := nameOf(m); n != "" {
			if j, ok := byKey[n]; ok {
				out[i] = j
			}
			continue
		}
		if i < len(got) {
			out[i] = i
		}
	}
	return out
}

// nameOf is the name an element of a list answer goes by.
func nameOf(m map[string]any) string {
	for _, k := range []string{"name", "label"} {
		if s, ok := m[k].(string); ok {
			return k + ":" + s
		}
	}
	if p, ok := m["profile"].(map[string]any); ok {
		if s, ok := p["name"].(string); ok {
			return "name:" + s
		}
	}
	return ""
}

// compareShape reports where the simulator's JSON differs from the
// recorded one in shape: an object's keys, or a value's kind. Values are
// not compared (ids, times, secrets and the recorded org's own objects
// differ by nature), except errorCode. A null on either side matches any
// kind: Okta writes null for an unset value of any type.
func compareShape(at string, rec, got any, diffs *[]string) {
	if rec == nil || got == nil {
		return
	}
	switch rv := rec.(type) {
	case map[string]any:
		gv, ok := got.(map[string]any)
		if !ok {
			*diffs = append(*diffs, fmt.Sprintf("%s: %T, recorded an object", at, got))
			return
		}
		var missing, extra []string
		for k := range rv {
			if _, ok := gv[k]; !ok {
				missing = append(missing, k)
			}
		}
		for k := range gv {
			if _, ok := rv[k]; !ok {
				extra = append(extra, k)
			}
		}
		sort.Strings(missing)
		sort.Strings(extra)
		if len(missing) > 0 {
			*diffs = append(*diffs, fmt.Sprintf("%s: missing %s", at, strings.Join(missing, ", ")))
		}
		if len(extra) > 0 {
			*diffs = append(*diffs, fmt.Sprintf("%s: extra %s", at, strings.Join(extra, ", ")))
		}
		if c, ok := rv["errorCode"]; ok && gv["errorCode"] != c {
			*diffs = append(*diffs, fmt.Sprintf("%s.errorCode: %v, recorded %v", at, gv["errorCode"], c))
		}
		for k, v := range rv {
			if g, ok := gv[k]; ok {
				compareShape(at+"."+k, v, g, diffs)
			}
		}
	case []any:
		gv, ok := got.([]any)
		if !ok {
			*diffs = append(*diffs, fmt.Sprintf("%s: %T, recorded an array", at, got))
			return
		}
		for i, j := range pairElements(rv, gv, nil) {
			if j >= 0 {
				compareShape(fmt.Sprintf("%s[%d]", at, i), rv[i], gv[j], diffs)
			}
		}
	default:
		if fmt.Sprintf("%T", rec) != fmt.Sprintf("%T", got) {
			*diffs = append(*diffs, fmt.Sprintf("%s: %T, recorded %T", at, got, rec))
		}
	}
}

// disableMissingFeatures turns off in the simulator the features the
// recorded org lacked: an API a recording shows answering 401 E0000015
// ("You do not have permission to access the feature you are requesting")
// is one the org had not bought, for the whole recording.
func (r *replayer) disableMissingFeatures(c cassette) {
	for _, it := range c.Interactions {
		if it.Response.Code != http.StatusUnauthorized || !strings.Contains(it.Response.Body, `"E0000015"`) {
			continue
		}
		u, err := url.Parse(it.Request.URL)
		if err != nil {
			continue
		}
		parts := strings.SplitN(strings.TrimPrefix(u.Path, "/api/v1/"), "/", 2)
		r.sim.DisableFeature("/api/v1/" + parts[0])
	}
}
