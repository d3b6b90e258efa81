package oktasim

import (
	"fmt"
	"strings"
)

// parseFilter reads the SCIM filter expressions the System Log supports
// for the attributes the simulator records (okta-developer-docs
// system-log/index.md, "Expression filter": `eventType eq ":eventType"`,
// `target.id eq ":id"`, `actor.id eq ":id"`, joined with and/or, grouped
// with parentheses). Errors are Okta's E0000053 answers from the same page.
func parseFilter(f string) (func(*LogEvent) bool, *APIError) {
	return parseFilterOf(f, logFilterAttrs)
}

// parseFilterOf parses a SCIM filter over the attributes attrs reads from a T.
func parseFilterOf[T any](f string, attrs map[string]func(*T) []string) (func(*T) bool, *APIError) {
	p := &filterParser[T]{src: f, toks: tokenize(f), attrs: attrs}
	m, err := p.or()
	if err == nil && p.pos < len(p.toks) {
		err = p.fail(fmt.Sprintf("Unexpected token '%s' at position %d", p.toks[p.pos], p.pos))
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}

type filterParser[T any] struct {
	src   string
	toks  []string
	pos   int
	attrs map[string]func(*T) []string
}

func (p *filterParser[T]) fail(why string) *APIError {
	return &APIError{Status: 400, Code: "E0000053", Summary: fmt.Sprintf("Invalid filter '%s': %s", p.src, why)}
}

func (p *filterParser[T]) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *filterParser[T]) or() (func(*T) bool, *APIError) {
	left, err := p.and()
	for err == nil && strings.EqualFold(p.peek(), "or") {
		p.pos++
		var right func(*T) bool
		right, err = p.and()
		l, r := left, right
		left = func(e *T) bool { return l(e) || r(e) }
	}
	return left, err
}

func (p *filterParser[T]) and() (func(*T) bool, *APIError) {
	left, err := p.primary()
	for err == nil && strings.EqualFold(p.peek(), "and") {
		p.pos++
		var right func(*T) bool
		right, err = p.primary()
		l, r := left, right
		left = func(e *T) bool { return l(e) && r(e) }
	}
	return left, err
}

func (p *filterParser[T]) primary() (func(*T) bool, *APIError) {
	if p.peek() == "(" {
		p.pos++
		m, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, p.fail("Missing ')'")
		}
		p.pos++
		return m, nil
	}
	if p.pos+3 > len(p.toks) {
		return nil, p.fail("Incomplete expression")
	}
	attr, op, val := p.toks[p.pos], p.toks[p.pos+1], p.toks[p.pos+2]
	get, ok := p.attrs[attr]
	if !ok {
		return nil, &APIError{Status: 400, Code: "E0000053", Summary: "field is not valid: " + attr}
	}
	cmp, ok := filterOps[strings.ToLower(op)]
	if !ok {
		return nil, p.fail(fmt.Sprintf("Unrecognized attribute operator '%s' at position %d. Expected: eq,co,sw,pr,gt,ge,lt,le", op, strings.Index(p.src, op)))
	}
	if len(val) < 2 || val[0] != '"' || val[len(val)-1] != '"' {
		return nil, p.fail(fmt.Sprintf("Expected a quoted value after '%s'", op))
	}
	want := val[1 : len(val)-1]
	p.pos += 3
	return func(e *T) bool {
		for _, have := range get(e) {
			if cmp(have, want) {
				return true
			}
		}
		return false
	}, nil
}

var logFilterAttrs = map[string]func(*LogEvent) []string{
	"eventType":       func(e *LogEvent) []string { return []string{e.EventType} },
	"legacyEventType": func(e *LogEvent) []string { return []string{e.LegacyEventType} },
	"actor.id":        func(e *LogEvent) []string { return []string{e.Actor.ID} },
	"outcome.result":  func(e *LogEvent) []string { return []string{e.Outcome.Result} },
	"target.id": func(e *LogEvent) []string {
		ids := make([]string, 0, len(e.Target))
		for _, t := range e.Target {
			ids = append(ids, t.ID)
		}
		return ids
	},
	"target.type": func(e *LogEvent) []string {
		ts := make([]string, 0, len(e.Target))
		for _, t := range e.Target {
			ts = append(ts, t.Type)
		}
		return ts
	},
}

var filterOps = map[string]func(have, want string) bool{
	"eq": func(h, w string) bool { return h == w },
	"ne": func(h, w string) bool { return h != w },
	"sw": strings.HasPrefix,
	"co": strings.Contains,
}

// tokenize splits a filter into parentheses, quoted strings and words.
func tokenize(s string) []string {
	var toks []string
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == ' ':
			i++
		case c == '(' || c == ')':
			toks = append(toks, string(c))
			i++
		case c == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				toks = append(toks, s[i:])
				return toks
			}
			toks = append(toks, s[i:i+j+2])
			i += j + 2
		default:
			j := strings.IndexAny(s[i:], " ()")
			if j < 0 {
				j = len(s) - i
			}
			toks = append(toks, s[i:i+j])
			i += j
		}
	}
	return toks
}
