package source

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseDotenv(t *testing.T) {
	in := strings.Join([]string{
		"# comment",
		"",
		"export OIDC_CLIENT_ID=0oa1",
		"OIDC_ISSUER = https://acme.okta.com # the org issuer",
		`GORILLA_CORS_ORIGINS="https://wandb.acme.com, null"`,
		`SINGLE='a "quoted" # not a comment'`,
		`ESCAPED="line1\nline2 \"q\""`,
		"EMPTY=",
		"HASH=abc#def",
		"OIDC_CLIENT_ID=0oa2",
		"WINDOWS=crlf\r",
	}, "\n")
	got, err := ParseDotenv(in)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"OIDC_CLIENT_ID": "0oa2", "OIDC_ISSUER": "https://acme.okta.com", "GORILLA_CORS_ORIGINS": "https://wandb.acme.com, null",
		"SINGLE": `a "quoted" # not a comment`, "ESCAPED": "line1\nline2 \"q\"", "EMPTY": "", "HASH": "abc#def", "WINDOWS": "crlf",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d keys, want %d: %v", len(got), len(want), got)
	}
}

func TestParseDotenvErrorsNameTheLine(t *testing.T) {
	for in, want := range map[string]string{
		"A=1\nNOEQUALS":  "line 2: expected KEY=VALUE",
		"1BAD=x":         `line 1: "1BAD" is not a valid variable name`,
		`A="open`:        "line 1 (A): unterminated double quote",
		"A='open":        "line 1 (A): unterminated single quote",
		`A="x" trailing`: "line 1 (A): unexpected text after closing quote",
	} {
		if _, err := ParseDotenv(in); err == nil || err.Error() != want {
			t.Errorf("ParseDotenv(%q) error = %v, want %q", in, err, want)
		}
	}
}

func TestEnvFileThatIsMissingIsAnError(t *testing.T) {
	_, err := EnvFile{Path: filepath.Join(t.TempDir(), "nope.env")}.Env(context.Background())
	if err == nil || !strings.Contains(err.Error(), "reading W&B env file") {
		t.Fatalf("err = %v", err)
	}
}

func TestEnvFileReadsItsSource(t *testing.T) {
	p := filepath.Join(t.TempDir(), "w.env")
	if err := os.WriteFile(p, []byte("OIDC_CLIENT_ID=x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env, err := EnvFile{Path: p}.Env(context.Background())
	if err != nil || env.Vars["OIDC_CLIENT_ID"] != "x" || env.Source != "file:"+p {
		t.Fatalf("env = %+v, err = %v", env, err)
	}
}

func TestFormatDotenvReadsBackTheSameMap(t *testing.T) {
	in := map[string]string{"A": `quote " back\slash`, "B": "new\nline\ttab", "C": "", "GORILLA_CORS_ORIGINS": "https://w, null", "D": " # not a comment"}
	out, err := ParseDotenv(FormatDotenv(in))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range in {
		if out[k] != v {
			t.Errorf("%s: %q read back as %q", k, v, out[k])
		}
	}
}

func FuzzFormatDotenvRoundTrip(f *testing.F) {
	f.Add("x", `a"b\c`)
	f.Fuzz(func(t *testing.T, key, value string) {
		if !validEnvKey(key) || strings.ContainsAny(key, "\r\n") {
			return
		}
		out, err := ParseDotenv(FormatDotenv(map[string]string{key: value}))
		if err != nil {
			t.Fatalf("%q=%q: %v", key, value, err)
		}
		if out[key] != value {
			t.Fatalf("%q read back as %q", value, out[key])
		}
		if c, err := composeDotenv(FormatDotenv(map[string]string{key: value})); err != nil || c[key] != value {
			t.Fatalf("%q read back by compose-go as %q (%v)", value, c[key], err)
		}
	})
}

func FuzzParseDotenv(f *testing.F) {
	for _, s := range []string{"A=1", "export B='x'", `C="a\"b"`, "# c\nD=e #f", "=", `"`, "A=\"\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		vars, err := ParseDotenv(s)
		if err == nil {
			for k := range vars {
				if !validEnvKey(k) {
					t.Fatalf("accepted invalid key %q", k)
				}
			}
		}
	})
}
