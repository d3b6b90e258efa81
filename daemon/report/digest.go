package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"

	"github.com/driftd/driftd/checks"
)

// Digest is a short, stable hash of b: enough to tell two fingerprints apart.
func Digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// FindingsFingerprint identifies the set of error findings, so a changed
// drift can be told from the same drift seen again.
func FindingsFingerprint(fs []checks.Finding) string {
	keys := make([]string, 0, len(fs))
	for _, f := range fs {
		if f.Severity != checks.SeverityError {
			continue
		}
		b, _ := json.Marshal([]any{f.Check, f.Field, f.Expected, f.Actual})
		keys = append(keys, string(b))
	}
	sort.Strings(keys)
	b, _ := json.Marshal(keys)
	return Digest(b)
}
