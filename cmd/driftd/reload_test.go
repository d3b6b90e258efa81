package main

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/oktasim"
	"github.com/driftd/driftd/internal/slacksim"
)

func TestSIGHUPSwitchesSlackFromBotTokenToWebhook(t *testing.T) {
	const botToken = "xoxb-reload-never-printed"
	f := fixture.New(t, "prod")
	sim := slacksim.Start(botToken)
	t.Cleanup(sim.Close)
	listen := freePort(t)
	withSlack := func(slack string) string {
		return strings.Replace(f.Body, "server:\n", "schedule: \"@every 1h\"\nslack:\n"+slack+"server:\n  listen: "+listen+"\n", 1)
	}
	f.WriteConfig(withSlack("  bot_token: " + botToken + "\n  channel: \"#sso\"\n  api_url: " + sim.APIURL() + "\n"))
	setRedirect := func(uri string) {
		_ = f.Sim.UpdateApp("0oaprod", func(a *oktasim.App) { a.Settings.OAuthClient.RedirectURIs = []string{uri} })
	}
	setRedirect("https://prod.wandb.test/callback")
	p := startServe(t, f, listen)
	waitFor(t, "the bot's root message", func() bool { return count(sim, "chat.postMessage") > 0 })

	f.WriteConfig(withSlack("  webhook_url: " + sim.WebhookURL() + "\n"))
	_ = p.cmd.Process.Signal(syscall.SIGHUP)
	p.waitLog(t, `"msg":"config reloaded"`)
	bot := count(sim, "chat.postMessage") + count(sim, "chat.update")
	setRedirect("https://prod.wandb.test/oidc/callback")
	if code, body := fixture.Call(t, "POST", "http://"+listen+"/v1/reconcile", fixture.APIToken, `{"target":"prod"}`); code != 200 {
		t.Fatalf("reconcile %d: %s", code, body)
	}
	waitFor(t, "the resolution on the webhook", func() bool { return count(sim, "webhook") > 0 })
	if now := count(sim, "chat.postMessage") + count(sim, "chat.update"); now != bot {
		t.Fatalf("after the switch to a webhook the bot still posted %d message(s)", now-bot)
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	_ = p.wait(t, 10*time.Second)
	if strings.Contains(p.logs(), botToken) {
		t.Fatal("the bot token reached the log")
	}
}

func count(sim *slacksim.Server, method string) int {
	n := 0
	for _, m := range sim.Messages() {
		if m.Method == method {
			n++
		}
	}
	return n
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
