package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/driftd/driftd/checks"
)

// WriteJSON writes the report as the contract's JSON document.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteText writes the report for a person reading it at 3 a.m.: per target
// the verdict, then each finding with expected vs actual, what is missing
// and extra, and the fix.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	for i, t := range r.Targets {
		if i > 0 {
			b.WriteString("\n")
		}
		writeTargetText(&b, &t)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeTargetText(b *strings.Builder, t *TargetResult) {
	errs, warns := 0, 0
	for _, f := range t.Findings {
		if f.Severity == checks.SeverityError {
			errs++
		} else {
			warns++
		}
	}
	fmt.Fprintf(b, "%s: %s", t.Name, strings.ToUpper(t.Status))
	var parts []string
	if errs > 0 {
		parts = append(parts, Plural(errs, "drift finding"))
	}
	if warns > 0 {
		parts = append(parts, Plural(warns, "warning"))
	}
	if len(t.Errors) > 0 {
		parts = append(parts, Plural(len(t.Errors), "source")+" unreadable")
	}
	if len(parts) > 0 {
		fmt.Fprintf(b, " (%s)", strings.Join(parts, ", "))
	}
	b.WriteString("\n")
	for _, e := range t.Errors {
		fmt.Fprintf(b, "  ! %s could not be read: %s\n", e.Source, e.Message)
	}
	for _, f := range t.Findings {
		mark := "✗"
		if f.Severity == checks.SeverityWarning {
			mark = "~"
		}
		fix := "fix by hand"
		if f.Fixable {
			fix = "Terraform can fix"
		}
		fmt.Fprintf(b, "  %s %s  %s  [%s, %s]\n", mark, f.Check, f.Field, f.Severity, fix)
		fmt.Fprintf(b, "      expected: %s\n", ShowValue(f.Expected))
		fmt.Fprintf(b, "      actual:   %s\n", ShowValue(f.Actual))
		if len(f.Missing) > 0 {
			fmt.Fprintf(b, "      missing:  %s\n", strings.Join(f.Missing, ", "))
		}
		if len(f.Extra) > 0 {
			fmt.Fprintf(b, "      extra:    %s\n", strings.Join(f.Extra, ", "))
		}
		fmt.Fprintf(b, "      fix:      %s\n", f.Message)
	}
	if rem := t.Remediation; rem != nil {
		writeRemediationText(b, rem)
	}
}

// ShowValue renders a finding's expected or actual value for people.
func ShowValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "(unset)"
	case string:
		if x == "" {
			return "(unset)"
		}
		return x
	case []string:
		if len(x) == 0 {
			return "(none)"
		}
		return strings.Join(x, ", ")
	}
	return fmt.Sprint(v)
}

// Plural says "1 finding" or "2 findings".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
