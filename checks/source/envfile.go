package source

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/driftd/driftd/checks"
)

// ParseDotenv reads KEY=VALUE lines: blank lines and # comments are skipped,
// an "export " prefix is allowed, values may be 'single quoted' (literal),
// "double quoted" (with \n, \t, \" and \\ escapes), either spanning lines,
// or bare (a " #" starts a comment). A later line overrides an earlier one,
// as in a shell and in compose-go.
//
// It is not compose-go's dotenv (a dependency, used by the W&B simulator and
// the tests as an independent reader), which reads the same for every file
// FormatDotenv writes and for plain KEY=VALUE files, but is lenient where a
// drift check must not be (TestParseDotenvAgreesWithComposeGoExceptWhereDocumented):
// a line without "=" is an inherited variable there, silently dropped when
// unset, where a truncated or corrupt file must be a failed read; text after
// a closing quote starts another statement; a "$VAR" in a bare or double
// quoted value is interpolated from the environment of whoever parses it, so
// driftd's own environment would leak into (and change) the value it judges.
func ParseDotenv(data string) (map[string]string, error) {
	out := map[string]string{}
	// A leading UTF-8 byte order mark is skipped, as compose-go does
	// (v2.16.2 dotenv/godotenv.go, utf8BOM).
	data = strings.TrimPrefix(data, "\ufeff")
	sc := bufio.NewScanner(strings.NewReader(data))
	// A line may be up to 1 MiB; the buffer grows to it only when one is.
	// A 64 KiB buffer made up front was most of a 1,000-target pass's
	// allocation (every target reads its env file).
	sc.Buffer(make([]byte, 0, min(len(data)+1, 4<<10)), 1<<20)
	for n := 1; sc.Scan(); n++ {
		orig := strings.TrimSuffix(sc.Text(), "\r")
		line := strings.TrimSpace(orig)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("line %d: expected KEY=VALUE", n)
		}
		key = strings.TrimSpace(key)
		if !validEnvKey(key) {
			return nil, fmt.Errorf("line %d: %q is not a valid variable name", n, key)
		}
		start := n
		v, err := dotenvValue(strings.TrimSpace(val))
		if errors.Is(err, errUnterminated) {
			// A quoted value may span lines, as compose-go reads it
			// (v2.16.2 dotenv/parser.go, extractVarValue): the text from
			// the quote on, whole lines after it, up to the closing quote.
			// Only a line holding the opening quote's character can close
			// it, so only then is the value parsed again: parsing it again
			// after every line made a quote that never closes cost the
			// square of the file's size (minutes for 1 MiB).
			_, raw, _ := strings.Cut(orig, "=")
			raw = strings.TrimLeft(raw, " \t")
			quote := raw[:1]
			var b strings.Builder
			b.WriteString(raw)
			for errors.Is(err, errUnterminated) && sc.Scan() {
				n++
				next := strings.TrimSuffix(sc.Text(), "\r")
				b.WriteString("\n")
				b.WriteString(next)
				if strings.Contains(next, quote) {
					v, err = dotenvValue(b.String())
				}
			}
		}
		if err != nil {
			return nil, fmt.Errorf("line %d (%s): %w", start, key, err)
		}
		out[key] = v
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// errUnterminated is a quote that does not close on its line; it may on a
// later one.
var errUnterminated = errors.New("unterminated")

func validEnvKey(k string) bool {
	if k == "" {
		return false
	}
	for i, r := range k {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		case r == '.' || r == '-':
		default:
			return false
		}
	}
	return true
}

func dotenvValue(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	switch v[0] {
	case '\'':
		end := strings.IndexByte(v[1:], '\'')
		if end < 0 {
			return "", fmt.Errorf("%w single quote", errUnterminated)
		}
		if rest := strings.TrimSpace(v[end+2:]); rest != "" && !strings.HasPrefix(rest, "#") {
			return "", fmt.Errorf("unexpected text after closing quote")
		}
		return v[1 : end+1], nil
	case '"':
		var b strings.Builder
		for i := 1; i < len(v); i++ {
			c := v[i]
			switch {
			case c == '\\' && i+1 < len(v):
				i++
				switch v[i] {
				case 'n':
					b.WriteByte('\n')
				case 't':
					b.WriteByte('\t')
				case 'r':
					b.WriteByte('\r')
				default:
					b.WriteByte(v[i])
				}
			case c == '"':
				if rest := strings.TrimSpace(v[i+1:]); rest != "" && !strings.HasPrefix(rest, "#") {
					return "", fmt.Errorf("unexpected text after closing quote")
				}
				return b.String(), nil
			default:
				b.WriteByte(c)
			}
		}
		return "", fmt.Errorf("%w double quote", errUnterminated)
	}
	if i := strings.Index(v, " #"); i >= 0 {
		v = v[:i]
	}
	return strings.TrimSpace(v), nil
}

// FormatDotenv writes vars as KEY="VALUE" lines, sorted by key, quoted so
// that ParseDotenv reads back exactly the same map, and so does compose-go's
// dotenv (docker compose's env_file loader): a "$" is written as "\$",
// which ParseDotenv reads as "$" and compose-go does not interpolate.
func FormatDotenv(vars map[string]string) string {
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	esc := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`, "$", `\$`)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=\"%s\"\n", k, esc.Replace(vars[k]))
	}
	return b.String()
}

// EnvFile reads a W&B deployment's env from a dotenv file.
type EnvFile struct {
	Path string
}

// Env reads and parses the file.
func (f EnvFile) Env(ctx context.Context) (*checks.WandbEnv, error) {
	data, err := ReadRegularFile(f.Path, MaxEnvFileBytes)
	if err != nil {
		return nil, BoundError(fmt.Errorf("reading W&B env file: %w", err))
	}
	vars, err := ParseDotenv(string(data))
	if err != nil {
		return nil, BoundError(fmt.Errorf("parsing W&B env file %s: %w", f.Path, err))
	}
	// W&B's env always sets something (at least the OIDC variables driftd
	// checks); an empty file is a half-written or wrongly mounted one, and
	// judging it would report every variable as drift.
	if len(vars) == 0 {
		return nil, fmt.Errorf("reading W&B env file %s: the env file has no variables", f.Path)
	}
	return &checks.WandbEnv{Source: "file:" + f.Path, Vars: vars}, nil
}
