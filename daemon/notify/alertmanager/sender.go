package alertmanager

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/store"
)

// Name is the notifier's name on its outbox items.
const Name = "alertmanager"

// Sender posts queued alerts to Alertmanager's v2 API. It reads the config
// at each send, so a reload's new URL or credentials apply to queued items.
type Sender struct {
	cfg    func() *config.Config
	client *http.Client
	now    func() time.Time
}

// Notifier names the outbox items this sender delivers.
func (s *Sender) Notifier() string { return Name }

// Send posts the item's alerts; a firing alert's endsAt is set here, three
// resend intervals from now.
func (s *Sender) Send(ctx context.Context, it store.OutboxItem, _ store.Root) (store.Root, error) {
	am := s.cfg().Alertmanager
	if am == nil {
		// The section was removed by a reload: there is no Alertmanager
		// left to tell, so the item is done.
		return store.Root{}, nil
	}
	var alerts []Alert
	if err := json.Unmarshal(it.Blocks, &alerts); err != nil {
		return store.Root{}, &statusError{msg: fmt.Sprintf("decoding queued alerts: %v", err)}
	}
	ends := stamp(s.now().Add(3 * time.Duration(am.ResendInterval)))
	for i := range alerts {
		if alerts[i].EndsAt == "" {
			alerts[i].EndsAt = ends
		}
	}
	body, err := json.Marshal(alerts)
	if err != nil {
		return store.Root{}, fmt.Errorf("encoding alerts: %w", err)
	}
	return store.Root{}, s.post(ctx, am, body)
}

func (s *Sender) post(ctx context.Context, am *config.AlertmanagerConfig, body []byte) error {
	endpoint := strings.TrimRight(am.URL, "/") + "/api/v2/alerts"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("building the request to %s: %w", endpoint, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "driftd")
	switch {
	case am.BasicAuth != nil:
		req.SetBasicAuth(am.BasicAuth.Username, am.BasicAuth.Password.Reveal())
	case !am.BearerToken.IsZero():
		req.Header.Set("Authorization", "Bearer "+am.BearerToken.Reveal())
	}
	resp, err := s.client.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return fmt.Errorf("posting alerts to %s: %w", endpoint, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	e := &statusError{code: resp.StatusCode, msg: fmt.Sprintf("posting alerts to %s: %s: %s", endpoint, resp.Status, strings.TrimSpace(string(msg)))}
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && secs > 0 {
		e.retryAfter = time.Duration(secs) * time.Second
	}
	return e
}

// statusError is Alertmanager's answer other than 2xx (or a payload that
// cannot be decoded, code 0).
type statusError struct {
	code       int
	msg        string
	retryAfter time.Duration
}

func (e *statusError) Error() string { return e.msg }

// RetryAfter honours Retry-After; a refusal (400 invalid alerts, 401/403
// credentials, 404 not an Alertmanager) will not go away by itself and
// waits the longest; timeouts, 429 and 5xx back off exponentially.
func (s *Sender) RetryAfter(err error) time.Duration {
	var se *statusError
	if !errors.As(err, &se) {
		return 0
	}
	switch {
	case se.retryAfter > 0:
		return se.retryAfter
	case se.code == http.StatusTooManyRequests || se.code >= 500:
		return 0
	}
	return -1
}
