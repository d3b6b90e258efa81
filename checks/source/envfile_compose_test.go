package source

import (
	"maps"
	"runtime"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/dotenv"
)

// composeDotenv parses s with compose-go's dotenv, a parser independent of
// ParseDotenv, with no variable from the environment.
func composeDotenv(s string) (map[string]string, error) {
	return dotenv.ParseWithLookup(strings.NewReader(s), func(string) (string, bool) { return "", false })
}

// A file FormatDotenv writes means the same to compose-go's dotenv as to
// ParseDotenv, so no round trip through the parser under test hides a bug.
func TestFormatDotenvReadsTheSameWithComposeGo(t *testing.T) {
	in := map[string]string{
		"A": `quote " back\slash`, "B": "new\nline\ttab", "C": "", "D": " # not a comment",
		"E": `a $HOME ${X} $$ \$ end`, "F": "'single'", "G": `trailing\`,
	}
	got, err := composeDotenv(FormatDotenv(in))
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, in) {
		t.Errorf("compose-go read %q, want %q", got, in)
	}
}

// ParseDotenv agrees with compose-go on the files W&B env files are, and
// differs only where its stricter reading is on purpose (see ParseDotenv).
func TestParseDotenvAgreesWithComposeGoExceptWhereDocumented(t *testing.T) {
	same := "# c\nexport A=1\nB = x # comment\nC='lit $X # no'\nD=\"l1\\nl2 \\\"q\\\"\"\nE=\nF=a#b\nG=crlf\r\n"
	want, err := composeDotenv(same)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ParseDotenv(same); err != nil || !maps.Equal(got, want) {
		t.Errorf("ParseDotenv = %q, %v; compose-go = %q", got, err, want)
	}
	differ := []struct{ name, in string }{
		{"a line without = is an inherited variable to compose-go, silently dropped", "A=1\nNOEQUALS"},
		{"text after a closing quote is the next statement to compose-go", `A="x" trailing`},
		{"a $VAR in a bare value is interpolated by compose-go", "A=pa$word"},
		{"a YAML-style key: value is accepted by compose-go", "A: 1"},
	}
	for _, tc := range differ {
		c, cerr := composeDotenv(tc.in)
		d, derr := ParseDotenv(tc.in)
		if cerr == nil && derr == nil && maps.Equal(c, d) {
			t.Errorf("%s: both read %q; the documented difference is gone", tc.name, c)
		}
	}
}

// A UTF-8 byte order mark (an editor on Windows writes one) is skipped by
// compose-go (compose-go v2.16.2 dotenv/godotenv.go: "seek past the UTF-8
// BOM if it exists"), so the W&B container gets OIDC_ISSUER; driftd failed
// the read of a file that works: "\ufeffOIDC_ISSUER" is not a valid name.
func TestAnEnvFileWithAByteOrderMarkReadsAsComposeReadsIt(t *testing.T) {
	in := "\ufeffOIDC_ISSUER=https://acme.okta.com\r\nOIDC_CLIENT_ID=0oa1\r\n"
	want, err := composeDotenv(in)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ParseDotenv(in); err != nil || !maps.Equal(got, want) {
		t.Errorf("ParseDotenv = %q, %v; compose-go = %q", got, err, want)
	}
	// Only a leading mark: one inside a key is still not a variable name.
	if got, err := ParseDotenv("A=1\n\ufeffB=2\n"); err == nil {
		t.Errorf("a mark on line 2 read as %q, want an error", got)
	}
}

// A quoted value may span lines (compose-go v2.16.2 dotenv/parser.go,
// extractVarValue: a quoted value ends at its closing quote, newlines
// included), as a PEM key or a JSON credential beside W&B's OIDC settings
// is written. The whole file failed to read ("unterminated double quote"),
// so a working W&B env could never be checked. A quote that never closes
// still fails, naming the line it opened on.
func TestAnEnvFileWithAMultiLineQuotedValueReadsAsComposeReadsIt(t *testing.T) {
	in := "OIDC_ISSUER=https://acme.okta.com\nTLS_KEY=\"-----BEGIN KEY-----\nMIIE+/a\n-----END KEY-----\"\nCREDS='{\n  \"a\": 1\n}'\nOIDC_CLIENT_ID=0oa1\n"
	want, err := composeDotenv(in)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ParseDotenv(in); err != nil || !maps.Equal(got, want) {
		t.Errorf("ParseDotenv = %q, %v; compose-go = %q", got, err, want)
	}
	_, err = ParseDotenv("A=1\nB=\"opens\nC=2\nD=3\n")
	if err == nil || !strings.Contains(err.Error(), "line 2 (B): unterminated double quote") {
		t.Errorf("err = %v, want the unterminated quote named at line 2", err)
	}
}

// A quote that never closes in a large file is refused in work that grows
// with the file, not its square: each following line made the whole value
// be copied and parsed again (200 KB allocated about 1 GB, a 1 MiB file
// took minutes of CPU on every run). Measured in bytes allocated, which a
// busy machine does not change.
func TestAnUnclosedQuoteInALargeEnvFileCostsLinearWork(t *testing.T) {
	var b strings.Builder
	b.WriteString("A=\"opens and never closes\n")
	for b.Len() < 200<<10 {
		b.WriteString("SOME_VARIABLE_NAME=some value without a quote on it\n")
	}
	in := b.String()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := ParseDotenv(in)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "line 1 (A): unterminated double quote") {
		t.Errorf("err = %v, want the unterminated quote named at line 1", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 20*uint64(len(in)) {
		t.Errorf("parsing %d bytes allocated %d: the value is copied or parsed again per line", len(in), alloc)
	}
}
