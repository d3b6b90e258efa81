package slacksim

import (
	"net/http"
	"net/url"
	"strings"
)

// Channel is a conversation the simulated workspace has. Once SetChannels
// is called only these exist, as in a real workspace.
type Channel struct {
	ID     string // C…, what chat.postMessage answers with
	Name   string // without the leading #
	Member bool   // whether the bot was invited
}

// faults are the refusals a misconfigured app meets in a real workspace.
type faults struct {
	scopes        []string // nil: the token has every scope
	channels      []Channel
	webhookStatus int
	webhookBody   string
	deleted       map[string]bool // ts of messages a person deleted
}

// DeleteMessage deletes the message ts, as a person can in Slack: a later
// chat.update of it answers {"ok":false,"error":"message_not_found"}
// (chat.update's documented errors, docs.slack.dev/reference/methods/chat.update:
// "message_not_found: No message exists with the requested timestamp.";
// the answer slackapi/slack-github-action#395 quotes from Slack), and a
// chat.postMessage into its thread answers thread_not_found (Slack's
// maintainer in slackapi/bolt-js#2307: "the parent message no longer
// exists" when a reply is posted after the user deleted it).
func (s *Server) DeleteMessage(ts string) {
	s.mu.Lock()
	if s.faults.deleted == nil {
		s.faults.deleted = map[string]bool{}
	}
	s.faults.deleted[ts] = true
	s.mu.Unlock()
}

// SetScopes limits the bot token to scopes: chat.postMessage and
// chat.update then need chat:write, as in Slack's method reference
// (https://api.slack.com/methods/chat.postMessage: "Required scopes: bot
// chat:write"). A missing scope answers
// {"ok":false,"error":"missing_scope","needed":"chat:write","provided":"…"},
// the shape slack-go reads into SlackErrorResponse.Needed and .Provided
// (github.com/slack-go/slack misc.go, SlackResponse.Err).
func (s *Server) SetScopes(scopes ...string) {
	s.mu.Lock()
	s.faults.scopes = append([]string{}, scopes...)
	s.mu.Unlock()
}

// SetChannels makes chs the workspace's only channels. A post to another
// answers channel_not_found; to one the bot was not invited to,
// not_in_channel (chat.postMessage's documented errors).
func (s *Server) SetChannels(chs ...Channel) {
	s.mu.Lock()
	s.faults.channels = append([]Channel{}, chs...)
	s.mu.Unlock()
}

// SetWebhookStatus makes the incoming webhook answer status with body, as
// Slack's "Handling errors" for incoming webhooks lists them: 403
// invalid_token or action_prohibited, 404 no_service or channel_not_found,
// 410 channel_is_archived. 0 restores success. slack-go keeps only the
// status (webhooks.go, checkStatusCode -> StatusCodeError).
func (s *Server) SetWebhookStatus(status int, body string) {
	s.mu.Lock()
	s.faults.webhookStatus, s.faults.webhookBody = status, body
	s.mu.Unlock()
}

// webhookFault answers a webhook post with the injected error; s.mu is held.
func (s *Server) webhookFault(w http.ResponseWriter) bool {
	if s.faults.webhookStatus == 0 {
		return false
	}
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(s.faults.webhookStatus)
	_, _ = w.Write([]byte(s.faults.webhookBody))
	return true
}

// apiFault checks a Web API call's scope and channel; it returns the
// channel id to answer with, or the error document. s.mu is held.
func (s *Server) apiFault(method, channel string) (string, map[string]any) {
	if scope, ok := readScopes[method]; ok {
		if sc := s.faults.scopes; sc != nil && !contains(sc, scope) {
			return "", map[string]any{"ok": false, "error": "missing_scope", "needed": scope, "provided": strings.Join(sc, ",")}
		}
		return channel, nil
	}
	if method != "chat.postMessage" && method != "chat.update" {
		return channel, nil
	}
	if sc := s.faults.scopes; sc != nil && !contains(sc, "chat:write") {
		return "", map[string]any{"ok": false, "error": "missing_scope", "needed": "chat:write", "provided": strings.Join(sc, ",")}
	}
	if s.faults.channels == nil {
		if method == "chat.update" {
			return channel, nil
		}
		return "C0SIM", nil
	}
	name := strings.TrimPrefix(channel, "#")
	for _, c := range s.faults.channels {
		if c.ID != channel && c.Name != name {
			continue
		}
		if !c.Member {
			return "", map[string]any{"ok": false, "error": "not_in_channel"}
		}
		return c.ID, nil
	}
	return "", map[string]any{"ok": false, "error": "channel_not_found"}
}

// deletedFault answers a call about a deleted message (DeleteMessage);
// s.mu is held.
func (s *Server) deletedFault(method string, form url.Values) map[string]any {
	switch {
	case method == "chat.update" && s.faults.deleted[form.Get("ts")]:
		return map[string]any{"ok": false, "error": "message_not_found"}
	case method == "chat.postMessage" && form.Get("thread_ts") != "" && s.faults.deleted[form.Get("thread_ts")]:
		return map[string]any{"ok": false, "error": "thread_not_found"}
	}
	return nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
