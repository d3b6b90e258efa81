package demo

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/slack-go/slack"
)

// RenderMessageForTerminal draws a posted message (its Block Kit JSON, or
// its text when it has no blocks) as a box, with the mrkdwn turned into
// what Slack would display: links as their label and address, mentions as
// @user, emphasis marks and escapes removed, emoji as characters.
func RenderMessageForTerminal(channel, blocksJSON, text string) string {
	var blocks slack.Blocks
	if blocksJSON != "" {
		if err := json.Unmarshal([]byte(blocksJSON), &blocks); err != nil {
			blocks.BlockSet = nil
		}
	}
	var b strings.Builder
	line := func(prefix, s string) {
		for _, l := range strings.Split(s, "\n") {
			fmt.Fprintf(&b, "│ %s%s\n", prefix, l)
		}
	}
	fmt.Fprintf(&b, "┌──────────────────────────────────────── %s\n", channel)
	if len(blocks.BlockSet) == 0 {
		line("", MrkdwnForTerminal(text))
	}
	for _, blk := range blocks.BlockSet {
		switch v := blk.(type) {
		case *slack.HeaderBlock:
			line("", "▌"+emoji(v.Text.Text))
		case *slack.SectionBlock:
			if v.Text != nil {
				b.WriteString("│\n")
				line("", textObject(v.Text))
			}
		case *slack.ContextBlock:
			for _, e := range v.ContextElements.Elements {
				if t, ok := e.(*slack.TextBlockObject); ok {
					line("  ", textObject(t))
				}
			}
		case *slack.ActionBlock:
			for _, e := range v.Elements.ElementSet {
				if btn, ok := e.(*slack.ButtonBlockElement); ok {
					line("", "[ "+btn.Text.Text+" ]")
				}
			}
		}
	}
	b.WriteString("└────────────────────────────────────────\n")
	return b.String()
}

func textObject(t *slack.TextBlockObject) string {
	if t.Type == slack.PlainTextType {
		return emoji(t.Text)
	}
	return MrkdwnForTerminal(t.Text)
}

var (
	// <url|label>, <url>, <@U…>, <#C…|name>, <!here> (Slack's "Formatting
	// text for app surfaces": links, mentions and special mentions).
	angle = regexp.MustCompile(`<([^<>|]+)(?:\|([^<>]*))?>`)
	// *bold*, _italic_, ~strike~ between word boundaries, as Slack parses
	// them; a mark inside a word (redirect_uris) is text.
	emphasis  = []*regexp.Regexp{emphasisOf(`\*`), emphasisOf(`_`), emphasisOf(`~`)}
	emojiCode = regexp.MustCompile(`:[a-z0-9_+-]+:`)
)

// emphasisOf matches text between two marks at word boundaries.
func emphasisOf(mark string) *regexp.Regexp {
	return regexp.MustCompile(`(?m)(^|[\s(>])` + mark + `([^\s` + mark + `](?:[^\n` + mark + `]*[^\s` + mark + `])?)` + mark + `($|[\s).,:;!?])`)
}

var emojiChars = map[string]string{
	":rotating_light:": "🚨", ":white_check_mark:": "✅", ":warning:": "⚠️", ":no_entry:": "⛔",
	":x:": "❌", ":wave:": "👋", ":hourglass:": "⌛", ":wrench:": "🔧",
}

// MrkdwnForTerminal renders Slack mrkdwn as plain terminal text. Code
// (`x` and ```x```) keeps its content verbatim, unformatted.
func MrkdwnForTerminal(s string) string {
	var b strings.Builder
	for i, part := range strings.Split(s, "```") {
		if i%2 == 1 {
			b.WriteString("\n    " + strings.ReplaceAll(strings.Trim(unescape(part), "\n"), "\n", "\n    ") + "\n")
			continue
		}
		for j, span := range strings.Split(part, "`") {
			if j%2 == 1 {
				b.WriteString(unescape(span))
				continue
			}
			b.WriteString(inline(span))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// inline renders the mrkdwn outside code: links, mentions, emphasis, emoji.
func inline(s string) string {
	s = angle.ReplaceAllStringFunc(s, func(m string) string {
		sub := angle.FindStringSubmatch(m)
		target, label := sub[1], sub[2]
		switch {
		case strings.HasPrefix(target, "@"):
			return target
		case strings.HasPrefix(target, "#"):
			if label != "" {
				return "#" + label
			}
			return target
		case strings.HasPrefix(target, "!"):
			return "@" + strings.TrimPrefix(target, "!")
		case label != "":
			return label + " (" + target + ")"
		}
		return target
	})
	for _, re := range emphasis {
		for range 2 { // adjacent spans share a boundary character
			s = re.ReplaceAllString(s, "$1$2$3")
		}
	}
	// Quotes ("> text" at a line start) read as indented text.
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "> ") {
			lines[i] = "  " + strings.TrimPrefix(l, "> ")
		}
	}
	return emoji(unescape(strings.Join(lines, "\n")))
}

func emoji(s string) string {
	return emojiCode.ReplaceAllStringFunc(s, func(m string) string {
		if c, ok := emojiChars[m]; ok {
			return c
		}
		return m
	})
}

// unescape undoes Slack's escaping of & < > (the only three it escapes).
func unescape(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}
