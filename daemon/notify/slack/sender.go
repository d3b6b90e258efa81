package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/driftd/driftd/daemon/store"
	"github.com/slack-go/slack"
)

// BotSender posts with a bot token: roots, updates and thread replies.
type BotSender struct {
	client  *slack.Client
	channel string
	// channelFor is a target's own channel (targets[].slack.channel), ""
	// for slack.channel; read at send time, so a reload takes effect.
	channelFor func(target string) string
}

// Send posts, updates or replies, as the item says.
func (s *BotSender) Send(ctx context.Context, it store.OutboxItem, root store.Root) (store.Root, error) {
	var blocks slack.Blocks
	if err := json.Unmarshal(it.Blocks, &blocks); err != nil {
		return store.Root{}, fmt.Errorf("decoding queued blocks: %w", err)
	}
	opts := []slack.MsgOption{slack.MsgOptionText(it.Text, false), slack.MsgOptionBlocks(blocks.BlockSet...)}
	switch it.Op {
	case store.OpUpdateRoot:
		_, _, _, err := s.client.UpdateMessageContext(ctx, root.Channel, root.TS, opts...)
		if !rootDeleted(err) {
			return root, err
		}
		// Someone deleted the alert in Slack: every update of it would fail
		// for ever and hold up the target's later messages. Post it anew;
		// the store makes the new message the episode's root.
		opts = append(opts, slack.MsgOptionMetadata(marker(it)))
		ch, ts, err := s.client.PostMessageContext(ctx, root.Channel, opts...)
		return store.Root{Channel: ch, TS: ts}, err
	case store.OpReply:
		_, _, err := s.client.PostMessageContext(ctx, root.Channel, append(opts, slack.MsgOptionTS(root.TS))...)
		if !threadDeleted(err) {
			return root, err
		}
		// The thread's parent was deleted: post the reply on its own, as
		// the episode's new root.
		opts = append(opts, slack.MsgOptionMetadata(marker(it)))
		ch, ts, err := s.client.PostMessageContext(ctx, root.Channel, opts...)
		return store.Root{Channel: ch, TS: ts}, err
	}
	opts = append(opts, slack.MsgOptionMetadata(marker(it)))
	ch, ts, err := s.client.PostMessageContext(ctx, s.channelOf(it.Target), opts...)
	return store.Root{Channel: ch, TS: ts}, err
}

// rootDeleted says chat.update found no message at the root's ts
// (message_not_found, docs.slack.dev/reference/methods/chat.update): a
// person deleted it.
func rootDeleted(err error) bool {
	var se slack.SlackErrorResponse
	return errors.As(err, &se) && se.Err == "message_not_found"
}

// threadDeleted says chat.postMessage found no thread at the root's ts
// (thread_not_found: its parent was deleted, slackapi/bolt-js#2307).
func threadDeleted(err error) bool {
	var se slack.SlackErrorResponse
	return errors.As(err, &se) && se.Err == "thread_not_found"
}

// channelOf is the channel a target's alerts go to.
func (s *BotSender) channelOf(target string) string {
	if s.channelFor != nil {
		if c := s.channelFor(target); c != "" {
			return c
		}
	}
	return s.channel
}

// WebhookSender posts through an incoming webhook, which can only post.
// The webhook URL is itself a secret, so errors never carry it.
type WebhookSender struct {
	url    string
	client *http.Client
}

// Send posts the item as a message of its own.
func (w *WebhookSender) Send(ctx context.Context, it store.OutboxItem, _ store.Root) (store.Root, error) {
	var blocks slack.Blocks
	if err := json.Unmarshal(it.Blocks, &blocks); err != nil {
		return store.Root{}, fmt.Errorf("decoding queued blocks: %w", err)
	}
	err := slack.PostWebhookCustomHTTPContext(ctx, w.url, w.client, &slack.WebhookMessage{Text: it.Text, Blocks: &blocks})
	var uerr *url.Error
	if errors.As(err, &uerr) {
		// Keep the cause (and whether it is a timeout), drop the URL.
		return store.Root{}, &webhookError{err: uerr.Err}
	}
	return store.Root{}, err
}

type webhookError struct{ err error }

func (e *webhookError) Error() string { return "posting to the Slack webhook: " + e.err.Error() }

func (e *webhookError) Unwrap() error { return e.err }

// Threaded: a bot's replies go into the root message's thread.
func (s *BotSender) Threaded() bool { return true }

// RetryAfter honours Slack's Retry-After on 429; an error Slack will not get
// over by itself (invalid_auth, channel_not_found) waits the longest.
func (s *BotSender) RetryAfter(err error) time.Duration { return retryAfter(err) }

// RetryAfter honours Slack's Retry-After on 429.
func (w *WebhookSender) RetryAfter(err error) time.Duration { return retryAfter(err) }

func retryAfter(err error) time.Duration {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) && rl.RetryAfter > 0 {
		return rl.RetryAfter
	}
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return -1
	}
	return 0
}
