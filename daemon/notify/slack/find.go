package slack

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/driftd/driftd/daemon/store"
	"github.com/slack-go/slack"
)

// markerEvent is the event type of the metadata every root post carries.
// Message metadata is Slack's place for an app's own data on a message
// (chat.postMessage's metadata argument: event_type and event_payload;
// read back by conversations.history with include_all_metadata=true), so
// the marker is invisible to people.
const markerEvent = "driftd_alert"

// marker names the outbox item a root post delivers.
func marker(it store.OutboxItem) slack.SlackMetadata {
	return slack.SlackMetadata{EventType: markerEvent, EventPayload: map[string]any{
		"target": it.Target, "episode": it.Episode, "item": fmt.Sprint(it.Seq)}}
}

// historyLimit is how many recent messages are searched for an earlier
// post: the item's own, posted after it was queued (oldest), comes first.
const historyLimit = 200

// FindPosted looks in the channel's history since the item was queued for
// a root post carrying the item's marker: an earlier attempt that landed
// though driftd never heard Slack's answer (killed, or timed out, during a
// slow chat.postMessage). It needs the channels:history (or
// groups:history) scope, and channels:read to turn a channel name into the
// id conversations.history takes; without them the error says so and the
// item is posted again.
func (s *BotSender) FindPosted(ctx context.Context, it store.OutboxItem) (store.Root, bool, error) {
	id, err := s.channelID(ctx, s.channelOf(it.Target))
	if err != nil {
		return store.Root{}, false, err
	}
	hist, err := s.client.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
		ChannelID: id, IncludeAllMetadata: true, Limit: historyLimit, Inclusive: true,
		// Five minutes' margin for the clocks of driftd and Slack.
		Oldest: fmt.Sprintf("%d.000000", it.Created.Add(-5*time.Minute).Unix()),
	})
	if err != nil {
		return store.Root{}, false, fmt.Errorf("reading the recent history of %s: %w", id, err)
	}
	want := marker(it).EventPayload
	for _, m := range hist.Messages {
		md := m.Metadata
		if md.EventType == markerEvent && md.EventPayload["target"] == want["target"] &&
			md.EventPayload["episode"] == want["episode"] && md.EventPayload["item"] == want["item"] {
			return store.Root{Channel: id, TS: m.Timestamp}, true, nil
		}
	}
	return store.Root{}, false, nil
}

// channelIDPattern is a conversation id (public C…, private G…, DM D…).
var channelIDPattern = regexp.MustCompile(`^[CGD][A-Z0-9]{6,}$`)

// channelID is the id of a channel given by id or by #name; a name is
// looked up with conversations.list (at most 10 pages of 1,000).
func (s *BotSender) channelID(ctx context.Context, channel string) (string, error) {
	if channelIDPattern.MatchString(channel) {
		return channel, nil
	}
	name := strings.TrimPrefix(channel, "#")
	params := &slack.GetConversationsParameters{ExcludeArchived: true, Limit: 1000, Types: []string{"public_channel", "private_channel"}}
	for range 10 {
		chs, next, err := s.client.GetConversationsContext(ctx, params)
		if err != nil {
			return "", fmt.Errorf("looking up the id of channel %s: %w", channel, err)
		}
		for _, c := range chs {
			if c.Name == name {
				return c.ID, nil
			}
		}
		if next == "" {
			break
		}
		params.Cursor = next
	}
	return "", fmt.Errorf("looking up the id of channel %s: no such channel", channel)
}
