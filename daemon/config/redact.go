package config

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// minFreeTextSecret is the shortest secret redacted wherever it appears in
// a message's text. A shorter one ("abc", "token") is too likely to be part
// of the message's own words, so it is redacted only where it is a whole
// quoted value.
const minFreeTextSecret = 8

// secretWords are the parts of a name (an environment variable, a map key)
// that say its value is a credential. AUTH is not one: OIDC_AUTH_METHOD is
// what driftd fixes.
var secretWords = []string{"PASSWORD", "PASSWD", "SECRET", "TOKEN", "KEY", "CREDENTIAL", "PRIVATE", "SIGNATURE", "SALT", "DSN"}

// LooksSecret reports whether a name (an environment variable, a map key)
// says its value is a credential, e.g. DB_PASSWORD, OKTA_API_TOKEN,
// client_secret.
func LooksSecret(name string) bool {
	up := strings.ToUpper(name)
	for _, w := range secretWords {
		if strings.Contains(up, w) {
			return true
		}
	}
	return false
}

// scrub redacts the secret values in problems. A problem reads
// "key.path: text"; the key path is the config's own words and is never
// touched. In the text a secret is redacted where it is a whole quoted value
// ("…" as %q writes it, `…` as YAML does, or YAML's shortened `head...`), and
// anywhere if it is at least minFreeTextSecret characters long.
func scrub(problems, secrets []string) []string {
	out := make([]string, len(problems))
	for i, p := range problems {
		key, text, found := strings.Cut(p, ": ")
		if !found {
			key, text = "", p
		}
		text = scrubText(text, secrets)
		if found {
			text = key + ": " + text
		}
		out[i] = text
	}
	return out
}

func scrubText(text string, secrets []string) string {
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		q := strconv.Quote(sec)
		text = strings.ReplaceAll(text, q, strconv.Quote(redacted))
		text = strings.ReplaceAll(text, "`"+sec+"`", "`"+redacted+"`")
		if len(sec) >= minFreeTextSecret {
			text = strings.ReplaceAll(text, sec, redacted)
			// Inside a longer %q-quoted value the secret appears escaped.
			text = strings.ReplaceAll(text, q[1:len(q)-1], redacted)
		}
	}
	return backtickQuoted().ReplaceAllStringFunc(text, func(q string) string {
		head, cut := strings.CutSuffix(q[1:len(q)-1], "...")
		for _, sec := range secrets {
			if cut && head != "" && strings.HasPrefix(sec, head) {
				return "`" + redacted + "`"
			}
		}
		return q
	})
}

var backtickQuoted = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile("`[^`]*`") })
