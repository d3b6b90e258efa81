package main

import (
	"io"
	"log/slog"
	"os"
	"strings"

	"golang.org/x/term"
)

// logger is the command's logger at --log-level (def when unset) in
// --log-format (the terminal auto-detection when unset).
func (c *cli) logger(w io.Writer, def slog.Level) *slog.Logger {
	level, _ := parseLevel(c.logLevel, def) // checked before the command ran
	return newLogger(w, level, strings.ToLower(c.logFormat))
}

// newLogger logs in format: "text", "json", or anything else to decide by
// whether w is a terminal: JSON for a service's log collector, text when a
// person is watching.
func newLogger(w io.Writer, level slog.Level, format string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: readableDurations}
	if format == "" {
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			format = "text"
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// readableDurations logs a duration as "1m0s", never as nanoseconds (the
// JSON handler's default).
func readableDurations(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		return slog.String(a.Key, a.Value.Duration().String())
	}
	return a
}
