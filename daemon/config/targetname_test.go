package config

import (
	"regexp"
	"strings"
	"testing"
)

// TestTargetNamesAreWhatTheDocumentedExpressionMatches: validTargetName
// accepts exactly what ^[a-z0-9][a-z0-9._-]{0,62}$ matches.
func TestTargetNamesAreWhatTheDocumentedExpressionMatches(t *testing.T) {
	re := regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,62}$`)
	names := []string{"", "a", "prod", "prod-eu.1_x", "0", "-a", ".a", "_a", "A", "prodÉ", "pro d", "a/b", "a\n",
		strings.Repeat("a", 63), strings.Repeat("a", 64), "a" + strings.Repeat("-", 62), "a" + strings.Repeat("-", 63)}
	for c := 0; c < 256; c++ {
		names = append(names, string(rune(c)), "a"+string(rune(c)), "a"+string([]byte{byte(c)}))
	}
	for _, n := range names {
		if got, want := validTargetName(n), re.MatchString(n); got != want {
			t.Errorf("validTargetName(%q) = %v, the expression says %v", n, got, want)
		}
	}
}

func TestAnInvalidTargetNameIsRefusedNamingTheRule(t *testing.T) {
	for _, name := range []string{"Prod", "-prod", strings.Repeat("p", 64)} {
		text := strings.Replace(goodConfig, "  - name: prod\n", "  - name: "+name+"\n", 1)
		_, err := ParseConfig([]byte(text), "/etc/driftd/driftd.yaml", testEnv)
		if err == nil || !strings.Contains(err.Error(), `targets[0].name: "`+name+`" must be lower-case letters, digits, '.', '_' or '-'`) {
			t.Errorf("name %q: err = %v", name, err)
		}
	}
}
