package slacksim

import (
	"encoding/json"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// readScopes are the scopes the read methods need, from Slack's method
// reference: conversations.history "channels:history" (groups:history for
// private channels; https://api.slack.com/methods/conversations.history),
// conversations.list "channels:read" (https://api.slack.com/methods/conversations.list).
var readScopes = map[string]string{"conversations.history": "channels:history", "conversations.list": "channels:read"}

// SetAnswerDelay makes method's answers arrive d late (0 restores); the
// call itself takes effect at once, as a slow Slack's does, so a client
// that gives up or dies meanwhile has still posted.
func (s *Server) SetAnswerDelay(method string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.delays == nil {
		s.delays = map[string]time.Duration{}
	}
	s.delays[method] = d
}

func (s *Server) answerDelay(method string) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.delays[method]
}

// history answers conversations.history: the channel's messages, newest
// first, without thread replies (which conversations.replies lists), at
// most limit (default 100), none older than oldest (inclusive only with
// inclusive=true); each message's metadata only with
// include_all_metadata=true. The channel must be an id: Slack answers
// channel_not_found for a name. The document's shape is the method's
// documented example (type, user, text, ts, metadata; has_more,
// response_metadata.next_cursor). s.mu is held.
func (s *Server) history(form url.Values) map[string]any {
	channel := form.Get("channel")
	if channel == "" || strings.HasPrefix(channel, "#") {
		return map[string]any{"ok": false, "error": "channel_not_found"}
	}
	limit, err := strconv.Atoi(form.Get("limit"))
	if err != nil || limit <= 0 {
		limit = 100
	}
	oldest, _ := strconv.ParseFloat(form.Get("oldest"), 64)
	inclusive, withMeta := boolArg(form.Get("inclusive")), boolArg(form.Get("include_all_metadata"))
	var out []map[string]any
	for _, m := range s.messages {
		if m.Method != "chat.postMessage" || m.ChannelID != channel || m.ThreadTS != "" {
			continue
		}
		ts, _ := strconv.ParseFloat(m.TS, 64)
		if ts < oldest || ts == oldest && !inclusive {
			continue
		}
		msg := map[string]any{"type": "message", "user": "U0SIMBOT", "text": m.Text, "ts": m.TS}
		if withMeta && m.Metadata != "" {
			var md any
			if json.Unmarshal([]byte(m.Metadata), &md) == nil {
				msg["metadata"] = md
			}
		}
		out = append(out, msg)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i]["ts"].(string) > out[j]["ts"].(string) })
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return map[string]any{"ok": true, "messages": out, "has_more": more, "pin_count": 0,
		"response_metadata": map[string]any{"next_cursor": ""}}
}

// list answers conversations.list with the workspace's channels
// (SetChannels); a workspace without them lists none. s.mu is held.
func (s *Server) list() map[string]any {
	chs := []map[string]any{}
	for _, c := range s.faults.channels {
		chs = append(chs, map[string]any{"id": c.ID, "name": c.Name, "is_channel": true, "is_member": c.Member, "is_archived": false})
	}
	return map[string]any{"ok": true, "channels": chs, "response_metadata": map[string]any{"next_cursor": ""}}
}

// boolArg reads a boolean argument as Slack does: true or 1 (slack-go
// sends 1 and 0).
func boolArg(v string) bool { return v == "true" || v == "1" }
