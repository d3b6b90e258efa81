package slack

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/notify"
	"github.com/driftd/driftd/daemon/report"
)

// Slack's limits: 50 blocks a message, 3000 characters a section, 150 a
// header. driftd stays well inside them and says what it left out.
const (
	maxFindingBlocks = 20
	maxSectionChars  = 2900
	maxListItems     = 10
)

// AlertContext is what a message needs besides the result: where to link.
type AlertContext struct {
	OktaOrgURL string
	// OktaAdminURL is okta.admin_url: the admin console of an org on a
	// custom domain, which has no -admin twin.
	OktaAdminURL string
	AppID        string
	WandbURL     string
	// Approve adds the "Apply fix" button for the plan in the result.
	Approve bool
	// Now dates thread replies; the rendering itself is deterministic.
	Now time.Time
}

// RenderRoot renders the episode's root message: drifting or resolved.
func RenderRoot(res *report.TargetResult, ac AlertContext, resolved bool) (string, []slack.Block) {
	var blocks []slack.Block
	if resolved {
		text := fmt.Sprintf("Resolved: SSO wiring of %s is back in sync", res.Name)
		blocks = append(blocks,
			slack.NewHeaderBlock(plain(truncate(":white_check_mark: "+text, 150))),
			slack.NewSectionBlock(md(fmt.Sprintf("*Target* `%s` · *Status* ok · checked %s", res.Name, res.ObservedAt.UTC().Format(time.RFC3339))), nil, nil),
			links(ac),
		)
		return text, blocks
	}
	text := fmt.Sprintf("SSO drift on %s: %s", res.Name, countText(res.Findings))
	blocks = append(blocks,
		slack.NewHeaderBlock(plain(truncate(":rotating_light: "+text, 150))),
		slack.NewSectionBlock(md(fmt.Sprintf("*Target* `%s` · *Status* %s · observed %s", res.Name, res.Status, res.ObservedAt.UTC().Format(time.RFC3339))), nil, nil),
	)
	blocks = append(blocks, findingBlocks(res.Findings)...)
	if rem := res.Remediation; rem != nil && rem.Reason != report.ReasonAlertMode {
		blocks = append(blocks, remediationBlocks(rem)...)
		if ac.Approve && rem.Action == report.ActionAwaiting && rem.PlanID != "" {
			btn := slack.NewButtonBlockElement(report.ApplyActionID, rem.PlanID, plain("Apply fix"))
			btn.Style = slack.StylePrimary
			btn.Confirm = slack.NewConfirmationBlockObject(plain("Apply this plan?"),
				md(fmt.Sprintf("Terraform applies saved plan `%s` exactly as shown.", rem.PlanID)), plain("Apply"), plain("Cancel"))
			blocks = append(blocks, slack.NewActionBlock("driftd_actions", btn))
		}
	}
	blocks = append(blocks, links(ac))
	return text, blocks
}

func findingBlocks(fs []checks.Finding) []slack.Block {
	var out []slack.Block
	shown := 0
	for _, f := range fs {
		if shown == maxFindingBlocks {
			break
		}
		shown++
		fix := "fix by hand"
		if f.Fixable {
			fix = "Terraform can fix"
		}
		var b strings.Builder
		fmt.Fprintf(&b, "*%s* %s (%s, %s)\n", esc(f.Check), code(f.Field), f.Severity, fix)
		fmt.Fprintf(&b, "expected: %s\nactual: %s\n", code(report.ShowValue(f.Expected)), code(report.ShowValue(f.Actual)))
		if len(f.Missing) > 0 {
			fmt.Fprintf(&b, "missing: %s\n", list(f.Missing))
		}
		if len(f.Extra) > 0 {
			fmt.Fprintf(&b, "extra: %s\n", list(f.Extra))
		}
		fmt.Fprintf(&b, "> %s", esc(f.Message))
		out = append(out, slack.NewSectionBlock(md(truncate(b.String(), maxSectionChars)), nil, nil))
	}
	if left := len(fs) - shown; left > 0 {
		out = append(out, slack.NewContextBlock("", md(fmt.Sprintf("…and %s not shown; `driftd check` lists them all.", report.Plural(left, "more finding")))))
	}
	return out
}

func remediationBlocks(rem *report.RemediationResult) []slack.Block {
	var b strings.Builder
	fmt.Fprintf(&b, "*Remediation* (%s): %s", rem.Mode, rem.Action)
	if rem.Reason != "" {
		fmt.Fprintf(&b, " — %s", esc(rem.Reason))
	}
	if rem.Plan != nil {
		for i, c := range rem.Plan.Changes {
			if i == maxListItems {
				fmt.Fprintf(&b, "\n…and %d more resources", len(rem.Plan.Changes)-i)
				break
			}
			fmt.Fprintf(&b, "\n• %s %s", c.Action, code(c.Address))
			for _, a := range c.Attributes {
				fmt.Fprintf(&b, "\n    %s: %s → %s", esc(a.Name), code(a.Before), code(a.After))
			}
		}
	}
	for _, r := range rem.Refused {
		fmt.Fprintf(&b, "\n:no_entry: %s", esc(r))
	}
	if rem.Error != "" {
		fmt.Fprintf(&b, "\n```%s```", esc(truncate(rem.Error, 1500)))
	}
	if rem.Verification != "" {
		fmt.Fprintf(&b, "\nVerification: *%s*", rem.Verification)
	}
	return []slack.Block{slack.NewSectionBlock(md(truncate(b.String(), maxSectionChars)), nil, nil)}
}

// RenderReply renders a thread reply for a lifecycle step.
func RenderReply(kind string, prev []checks.Finding, res *report.TargetResult, ac AlertContext) (string, []slack.Block) {
	var text string
	switch kind {
	case notify.AlertChanged:
		added, gone := diffFindings(prev, res.Findings)
		text = "The drift changed."
		if len(added) > 0 {
			text += " New: " + strings.Join(added, ", ") + "."
		}
		if len(gone) > 0 {
			text += " No longer drifting: " + strings.Join(gone, ", ") + "."
		}
	case notify.AlertReminder:
		text = fmt.Sprintf("Still drifting: %s open.", report.Plural(countErrors(res.Findings), "finding"))
	case notify.AlertResolved:
		how := "by a change made outside driftd"
		if rem := res.Remediation; rem != nil && rem.Action == report.ActionApplied {
			how = fmt.Sprintf("by driftd applying plan %s", code(rem.PlanID))
			if rem.ApprovedBy != "" {
				how += fmt.Sprintf(" (approved by <@%s>)", rem.ApprovedBy)
			}
		}
		text = fmt.Sprintf("Resolved %s at %s.", how, ac.Now.UTC().Format(time.RFC3339))
	case notify.AlertRemediationFailed:
		rem := res.Remediation
		text = fmt.Sprintf("Terraform failed (attempt %d). %s", rem.Failures, esc(rem.Reason))
		return text, []slack.Block{
			slack.NewSectionBlock(md(":x: "+text), nil, nil),
			slack.NewSectionBlock(md("```"+esc(truncate(rem.Error, 2800))+"```"), nil, nil),
		}
	default:
		text = kind
	}
	return text, []slack.Block{slack.NewSectionBlock(md(truncate(text, maxSectionChars)), nil, nil)}
}

func countErrors(fs []checks.Finding) int {
	n := 0
	for _, f := range fs {
		if f.Severity == checks.SeverityError {
			n++
		}
	}
	return n
}

func diffFindings(prev, cur []checks.Finding) (added, gone []string) {
	key := func(f checks.Finding) string { return f.Check + " " + f.Field }
	p := map[string]bool{}
	for _, f := range prev {
		if f.Severity == checks.SeverityError {
			p[key(f)] = true
		}
	}
	c := map[string]bool{}
	for _, f := range cur {
		if f.Severity == checks.SeverityError {
			c[key(f)] = true
			if !p[key(f)] {
				added = append(added, code(f.Check))
			}
		}
	}
	for _, f := range prev {
		if f.Severity == checks.SeverityError && !c[key(f)] {
			gone = append(gone, code(f.Check))
		}
	}
	return added, gone
}

func links(ac AlertContext) slack.Block {
	var parts []string
	if ac.AppID != "" {
		if u := OktaAdminAppURL(ac.OktaOrgURL, ac.OktaAdminURL, ac.AppID); u != "" {
			parts = append(parts, fmt.Sprintf("<%s|Okta app %s>", u, esc(ac.AppID)))
		}
	}
	if u := WandbAdminURL(ac.WandbURL); u != "" {
		parts = append(parts, fmt.Sprintf("<%s|W&B system admin>", u))
	}
	return slack.NewContextBlock("", md(strings.Join(parts, " · ")))
}

// WandbAdminURL is W&B's system admin page under the instance's URL ("" for
// no URL).
func WandbAdminURL(wandbURL string) string {
	if wandbURL == "" {
		return ""
	}
	return strings.TrimRight(wandbURL, "/") + "/system-admin"
}

// OktaAdminAppURL is the app's page in the Okta admin console: under
// adminURL (okta.admin_url) when set; else, for an org on Okta's own domains,
// on the org's -admin twin host; for a loopback simulator, on the org host.
// An org on a custom domain has no twin, so without adminURL there is no
// link ("").
func OktaAdminAppURL(orgURL, adminURL, appID string) string {
	page := "/admin/app/oidc_client/instance/" + url.PathEscape(appID) + "/#tab-general"
	if adminURL != "" {
		return strings.TrimRight(adminURL, "/") + page
	}
	u, err := url.Parse(orgURL)
	if err != nil || u.Host == "" {
		return ""
	}
	switch host := u.Hostname(); {
	case checks.IsLoopbackHost(host):
	case checks.IsOktaDomain(host):
		first, rest, _ := strings.Cut(host, ".")
		u.Host = first + "-admin." + rest
	default:
		return ""
	}
	return strings.TrimRight(u.String(), "/") + page
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
}
func md(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

// code renders a value as inline code, escaped: a backtick cannot end it
// early and no control sequence inside it is parsed.
func code(s string) string { return "`" + esc(strings.ReplaceAll(s, "`", "'")) + "`" }

// mrkdwnEscaper escapes what Slack parses in mrkdwn text: & < > (Slack's
// "Escaping text" in https://api.slack.com/reference/surfaces/formatting).
// Every value from the observed world or from Terraform goes through it,
// so an Okta app label of <!channel> pings nobody and <https://x|y> plants
// no link.
var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func esc(s string) string { return mrkdwnEscaper.Replace(s) }

// countText counts what the message shows: "2 findings", or "1 error,
// 1 warning" when warnings are listed beside the errors.
func countText(fs []checks.Finding) string {
	errs := countErrors(fs)
	warns := len(fs) - errs
	if warns == 0 {
		return report.Plural(errs, "finding")
	}
	return report.Plural(errs, "error") + ", " + report.Plural(warns, "warning")
}

func list(items []string) string {
	if len(items) > maxListItems {
		return code(strings.Join(items[:maxListItems], ", ")) + fmt.Sprintf(" …and %d more", len(items)-maxListItems)
	}
	return code(strings.Join(items, ", "))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("… (truncated)")
	for cut > 0 && !validCut(s, cut) {
		cut--
	}
	return s[:cut] + "… (truncated)"
}

// validCut keeps a truncation from splitting a UTF-8 sequence.
func validCut(s string, i int) bool { return i >= len(s) || s[i]&0xC0 != 0x80 }
