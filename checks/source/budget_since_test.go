package source

import "time"

// limitedSince is when Okta began answering 429 in a bucket with no other
// answer from that bucket since (the earliest such bucket); zero when
// driftd is not rate limited. Production reads a bucket's start through
// RateLimitedError.Since; the tests read every bucket's at once.
func (b *RateBudget) limitedSince() time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	var since time.Time
	for _, w := range b.buckets {
		if !w.since.IsZero() && (since.IsZero() || w.since.Before(since)) {
			since = w.since
		}
	}
	return since
}
