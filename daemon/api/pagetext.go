package api

import (
	"fmt"
	"html/template"
	"strings"
	"time"
)

// stampLayout is the one way the status page writes a time.
const stampLayout = "2006-01-02 15:04:05 UTC"

// markup renders the little markup driftd's messages carry: a `code` span
// becomes <code>, everything else is text. The result is assembled only
// from escaped pieces and the two fixed tags, so no character of the
// message (which may hold values read from Okta or W&B) can open a tag or
// an attribute. An unmatched backtick stays a literal backtick.
func markup(s string) template.HTML {
	parts := strings.Split(s, "`")
	var b strings.Builder
	for i, p := range parts {
		switch {
		case i%2 == 0:
			b.WriteString(template.HTMLEscapeString(p))
		case i == len(parts)-1:
			b.WriteString("`" + template.HTMLEscapeString(p))
		default:
			b.WriteString("<code>" + template.HTMLEscapeString(p) + "</code>")
		}
	}
	return template.HTML(b.String())
}

// stamp writes t in the page's one format, followed by how long ago (or
// how soon) it is from now; the zero time is "never".
func stamp(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(stampLayout) + " (" + relative(t, now) + ")"
}

// stampHTML is stamp inside a <time> element that carries the machine
// readable instant; both pieces are escaped.
func stampHTML(t, now time.Time) template.HTML {
	if t.IsZero() {
		return "never"
	}
	return template.HTML(fmt.Sprintf(`<time datetime="%s">%s</time> <span class="ago">(%s)</span>`,
		template.HTMLEscapeString(t.UTC().Format(time.RFC3339)), template.HTMLEscapeString(t.UTC().Format(stampLayout)),
		template.HTMLEscapeString(relative(t, now))))
}

// relative says how far t is from now in the largest whole unit that
// fits: "just now", "5 min ago", "in 3 h", "2 d ago".
func relative(t, now time.Time) string {
	d := now.Sub(t)
	future := d < 0
	if future {
		d = -d
	}
	var amount string
	switch {
	case d < time.Minute:
		if future {
			return "in under a minute"
		}
		return "just now"
	case d < time.Hour:
		amount = fmt.Sprintf("%d min", int(d/time.Minute))
	case d < 48*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		amount = fmt.Sprintf("%d h", h)
		if m != 0 && h < 10 {
			amount += fmt.Sprintf(" %d min", m)
		}
	default:
		amount = fmt.Sprintf("%d d", int(d/(24*time.Hour)))
	}
	if future {
		return "in " + amount
	}
	return amount + " ago"
}
