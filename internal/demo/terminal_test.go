package demo

import (
	"strings"
	"testing"
)

func TestMrkdwnReadsInATerminalAsSlackShowsIt(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"bold marks are dropped", "*Target* is *here*", "Target is here"},
		{"an underscore inside a word is text", "*okta.redirect_uris* settings", "okta.redirect_uris settings"},
		{"italic and strike marks are dropped", "_slow_ and ~gone~.", "slow and gone."},
		{"inline code keeps its content verbatim", "set `*not bold*` now", "set *not bold* now"},
		{"a labelled link shows its label and address", "<https://x.test/a|Okta app>", "Okta app (https://x.test/a)"},
		{"a bare link shows its address", "<https://x.test/a>", "https://x.test/a"},
		{"a user mention reads @id", "<@U0DEMO> approved", "@U0DEMO approved"},
		{"a special mention reads @here", "<!here> look", "@here look"},
		{"escapes are undone", "a &lt;b&gt; &amp; c", "a <b> & c"},
		{"an escaped angle link is text, not a link", "&lt;https://x|y&gt;", "<https://x|y>"},
		{"known emoji become characters", ":white_check_mark: done :unknown_one:", "✅ done :unknown_one:"},
		{"a quote is indented", "first\n> quoted", "first\n  quoted"},
		{"a code block is indented", "failed\n```Error: boom\nline 2```", "failed\n\n    Error: boom\n    line 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := MrkdwnForTerminal(tc.in); got != tc.want {
				t.Errorf("MrkdwnForTerminal(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestAPostedMessageIsDrawnFromItsBlocks(t *testing.T) {
	blocks := `[{"type":"header","text":{"type":"plain_text","text":":rotating_light: SSO drift on demo: 1 finding"}},` +
		`{"type":"section","text":{"type":"mrkdwn","text":"*Target* ` + "`demo`" + ` · *Status* drift"}},` +
		`{"type":"actions","block_id":"driftd_actions","elements":[{"type":"button","action_id":"driftd_apply","value":"p1","text":{"type":"plain_text","text":"Apply fix"}}]},` +
		`{"type":"context","elements":[{"type":"mrkdwn","text":"<http://okta.test/app|Okta app 0oa1>"}]}]`
	got := RenderMessageForTerminal("#wandb-sso", blocks, "fallback")
	for _, want := range []string{"── #wandb-sso", "│ ▌🚨 SSO drift on demo: 1 finding", "│ Target demo · Status drift", "│ [ Apply fix ]", "│   Okta app 0oa1 (http://okta.test/app)"} {
		if !strings.Contains(got, want) {
			t.Errorf("drawing lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "fallback") || strings.Contains(got, "*") || strings.Contains(got, "`") {
		t.Errorf("drawing shows the fallback text or raw mrkdwn:\n%s", got)
	}
	if got := RenderMessageForTerminal("thread", "", "*only* text"); !strings.Contains(got, "│ only text") {
		t.Errorf("a message without blocks shows its text:\n%s", got)
	}
}
