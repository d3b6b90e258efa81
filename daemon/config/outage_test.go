package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestOutageAlertAfter(t *testing.T) {
	tests := []struct {
		name, line string
		want       time.Duration
		wantErr    string
	}{
		{name: "unset it defaults to 15 minutes", want: 15 * time.Minute},
		{name: "a set value is kept", line: "outage_alert_after: 1h\n", want: time.Hour},
		{name: "a value under a minute is refused", line: "outage_alert_after: 10s\n",
			wantErr: "outage_alert_after: 10s is too short: use at least 1m (a single failed pass is not an outage)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := ParseConfig([]byte(tc.line+goodConfig), "/etc/driftd/driftd.yaml", testEnv)
			if tc.wantErr != "" {
				var ce *ConfigError
				if !errors.As(err, &ce) || !strings.Contains(strings.Join(ce.Problems, "\n"), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := time.Duration(cfg.OutageAlertAfter); got != tc.want {
				t.Errorf("outage_alert_after = %s, want %s", got, tc.want)
			}
		})
	}
}
