package api

import (
	"html/template"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/report"
)

func TestMessagesShowTheirCodeSpansAsCodeAndEverythingElseAsText(t *testing.T) {
	tests := []struct {
		name, in string
		want     template.HTML
	}{
		{"a code span becomes code", "Add `null` to GORILLA_CORS_ORIGINS", "Add <code>null</code> to GORILLA_CORS_ORIGINS"},
		{"two code spans each become code", "`a` and `b`", "<code>a</code> and <code>b</code>"},
		{"a tag outside a code span is text", `<script>alert(1)</script> and <b>x</b>`, "&lt;script&gt;alert(1)&lt;/script&gt; and &lt;b&gt;x&lt;/b&gt;"},
		{"a tag inside a code span is text", "`</code><script>alert(1)</script>`", "<code>&lt;/code&gt;&lt;script&gt;alert(1)&lt;/script&gt;</code>"},
		{"quotes and ampersands are escaped", "`a\"b` & 'c'", "<code>a&#34;b</code> &amp; &#39;c&#39;"},
		{"an unmatched backtick stays a backtick", "one ` too many", "one ` too many"},
		{"a third backtick after a span stays literal", "`x` then `y", "<code>x</code> then `y"},
		{"an empty span is an empty code element", "``", "<code></code>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := markup(tc.in); got != tc.want {
				t.Errorf("markup(%q) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestTimesAreSaidRelativeToNow(t *testing.T) {
	now := pageNow
	tests := []struct {
		name string
		at   time.Time
		want string
	}{
		{"seconds ago is just now", now.Add(-30 * time.Second), "just now"},
		{"minutes ago", now.Add(-42 * time.Minute), "42 min ago"},
		{"hours and minutes ago", now.Add(-3*time.Hour - 5*time.Minute), "3 h 5 min ago"},
		{"many hours drop the minutes", now.Add(-20*time.Hour - 5*time.Minute), "20 h ago"},
		{"days ago", now.Add(-80 * time.Hour), "3 d ago"},
		{"a time to come", now.Add(58 * time.Minute), "in 58 min"},
		{"a time just to come", now.Add(10 * time.Second), "in under a minute"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := relative(tc.at, now); got != tc.want {
				t.Errorf("relative = %q; want %q", got, tc.want)
			}
		})
	}
	if got := stamp(now.Add(-42*time.Minute), now); got != "2026-11-29 11:18:00 UTC (42 min ago)" {
		t.Errorf("stamp = %q; want the one format and the relative time", got)
	}
}

func TestTheStatusPageShowsEachState(t *testing.T) {
	common := []string{
		`<meta http-equiv="refresh" content="60">`, `refreshes every 60 s`,
		`<span class="swatch run-ok"></span>ok`, `tall bar: a fix was planned or made`, `class="tick-label"`,
		`href="` + prodOktaURL + `"`, `href="` + prodWandbURL + `"`,
		`as of <time datetime="2026-11-29T12:00:00Z">2026-11-29 12:00:00 UTC</time> <span class="ago">(just now)</span>`,
	}
	tests := []struct {
		state      string
		want, deny []string
	}{
		{"ok", []string{`In sync: every check passed.`, `Last remediation: applied (apply mode)`, `(12 h ago)`, `>30 h ago<`, `>1 h ago<`, `(in 58 min)`},
			[]string{`In error since`}},
		{"drift", []string{
			`<span class="sev sev-error">error</span>`, `<span class="sev sev-warning">warning</span>`,
			`<span class="fixable">Terraform can fix</span> Add <code>null</code> to GORILLA_CORS_ORIGINS`,
			`<span class="by-hand">fix by hand</span> Under <code>auth_method: implicit</code>`,
			`Drifting since</dt><dd class="drift-since"><time datetime="2026-11-29T09:00:00Z">2026-11-29 09:00:00 UTC</time> <span class="ago">(3 h ago)</span>`,
			`mode <code>plan</code>: the plan is shown`, `&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt;`,
		}, []string{"Add `null`", `In error since`}},
		{"error", []string{
			`In error since</dt><dd class="error-since"><time datetime="2026-11-29T08:00:00Z">2026-11-29 08:00:00 UTC</time> <span class="ago">(4 h ago)</span>`,
			`<strong>okta</strong>: reading Okta app <code>0oaprod</code>: 401 Invalid token provided`,
			`That remediation ran before the errors began`,
		}, []string{`In sync`, "`0oaprod`"}},
		{"approve", []string{`Last remediation: awaiting approval (approve mode)`, `Plan <code>plan-7f3a</code> waits for an approver`, `Approved in Slack by Amy McGee`, `id="target-staging"`,
			`href="https://staging.wandb.test/system-admin"`},
			[]string{`U012APPROVER`}},
	}
	states := pageStates()
	for _, tc := range tests {
		t.Run("the "+tc.state+" page", func(t *testing.T) {
			br := &browser{t: t, srv: newPageServer(t, states[tc.state])}
			br.login("api-secret")
			resp, body := br.do("GET", "/", nil, nil)
			if resp.StatusCode != 200 {
				t.Fatalf("GET / = %d %s", resp.StatusCode, body)
			}
			for _, want := range append(common, tc.want...) {
				if !strings.Contains(body, want) {
					t.Errorf("the page lacks %s", want)
				}
			}
			for _, deny := range append(tc.deny, xss) {
				if strings.Contains(body, deny) {
					t.Errorf("the page shows %s", deny)
				}
			}
		})
	}
}

func TestErrorSinceIsTheFirstRunOfTheUnbrokenSeriesOfErrors(t *testing.T) {
	errorsThen := func(errs, oks int) []Run {
		return runsEveryHour("prod", errs+oks, func(i int) report.TargetResult {
			if i < errs {
				return report.TargetResult{Status: report.StatusError}
			}
			return okResult()
		})
	}
	tests := []struct {
		name      string
		runs      []Run
		wantSince time.Time
		atLeast   bool
	}{
		{"three errors after an ok run date from the oldest of the three", errorsThen(3, 5), pageNow.Add(-3 * time.Hour), false},
		{"errors in every run there is date from the first run", errorsThen(7, 0), pageNow.Add(-7 * time.Hour), false},
		{"errors in every run read may have begun earlier", errorsThen(timelineRuns, 0), pageNow.Add(-timelineRuns * time.Hour), true},
		{"a status the history does not show yet dates from the observation", errorsThen(0, 3), pageNow.Add(-time.Minute), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := TargetStatus{TargetResult: report.TargetResult{Name: "prod", Status: report.StatusError, ObservedAt: pageNow.Add(-time.Minute)}}
			v := newTargetView(st, tc.runs, pageNow)
			if v.ErrorSince == nil || !v.ErrorSince.Equal(tc.wantSince) || v.ErrorSinceAtLeast != tc.atLeast {
				t.Errorf("error since %v (at least: %v); want %v (at least: %v)", v.ErrorSince, v.ErrorSinceAtLeast, tc.wantSince, tc.atLeast)
			}
		})
	}
	ok := newTargetView(TargetStatus{TargetResult: report.TargetResult{Status: report.StatusOK}}, errorsThen(2, 0), pageNow)
	if ok.ErrorSince != nil {
		t.Errorf("a target that is ok now shows error since %v", ok.ErrorSince)
	}
}
