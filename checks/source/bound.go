package source

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
	"unicode/utf8"
)

// MaxMessageBytes bounds an error message built from what the world
// answered: a message is stored in history and sent to Slack on every pass,
// so a 100 MB errorSummary must not become one.
const MaxMessageBytes = 1024

// MaxOktaBody bounds one Okta answer. An app is a few KiB; the SDK reads the
// whole body into memory, so an unbounded one is a memory bomb.
const MaxOktaBody = 4 << 20

const truncatedMark = "…(truncated)"

// BoundMessage cuts s to at most n bytes on a UTF-8 boundary, marking the cut.
func BoundMessage(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + truncatedMark
}

// BoundError returns err with its message bounded by MaxMessageBytes; the
// original stays reachable through errors.As and errors.Is.
func BoundError(err error) error {
	if err == nil || len(err.Error()) <= MaxMessageBytes {
		return err
	}
	return &boundedError{err: err}
}

type boundedError struct{ err error }

func (e *boundedError) Error() string { return BoundMessage(e.err.Error(), MaxMessageBytes) }
func (e *boundedError) Unwrap() error { return e.err }

// ErrBodyTooLarge is returned by a bounded body read past its limit.
var ErrBodyTooLarge = errors.New("answer too large")

// RedirectError is a 3xx answer from a service driftd never lets redirect it.
type RedirectError struct {
	Status   int
	Location string
	// Service names who answered, e.g. "Okta".
	Service string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("%s answered %d redirect to %s: refusing to follow (the token would be sent elsewhere)", e.Service, e.Status, e.Location)
}

// guardTransport refuses redirects before any client can follow them and
// bounds every answer's body to limit bytes.
func guardTransport(next http.RoundTripper, service string, limit int64) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := next.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode >= 300 && resp.StatusCode < 400 && resp.StatusCode != http.StatusNotModified {
			drain(resp)
			return nil, &RedirectError{Status: resp.StatusCode, Location: BoundMessage(resp.Header.Get("Location"), 256), Service: service}
		}
		resp.Body = &limitedBody{ReadCloser: resp.Body, left: limit, limit: limit, service: service}
		return resp, nil
	})
}

// limitedBody fails a read past its limit instead of silently cutting, so a
// truncated document is never mistaken for a whole one.
type limitedBody struct {
	io.ReadCloser
	left, limit int64
	service     string
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a body of exactly limit bytes from a longer one.
		var one [1]byte
		if n, err := b.ReadCloser.Read(one[:]); n == 0 {
			return 0, err
		}
		return 0, fmt.Errorf("%s's answer is larger than %s: %w", b.service, size(b.limit), ErrBodyTooLarge)
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}

func size(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// MaxEnvFileBytes bounds a W&B env file.
const MaxEnvFileBytes = 1 << 20

var (
	maxShowBytes int64 = 64 << 20
	showTimeout        = 2 * time.Minute
)
