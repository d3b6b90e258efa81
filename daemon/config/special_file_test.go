package config

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// loadWithin runs LoadConfig on path and fails the test if it has not
// returned within a few seconds (a FIFO blocks open, /dev/zero never ends).
func loadWithin(t *testing.T, path string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := LoadConfig(path)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatalf("LoadConfig(%s) still reading after 5s", path)
		return nil
	}
}

func TestAConfigThatIsNotARegularFileIsRefusedAtOnce(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "driftd.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	tests := []struct{ name, path, want string }{
		{"a named pipe nobody writes to is refused, not waited on", fifo, "not a regular file"},
		{"a device that never ends (/dev/zero) is refused, not read into memory", "/dev/zero", "not a regular file"},
		{"a directory is refused", t.TempDir(), "directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := loadWithin(t, tc.path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one saying %q", err, tc.want)
			}
		})
	}
}

func TestAnOAuthKeyFileThatIsNotARegularFileIsRefusedAtOnce(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "key.pem")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	for _, path := range []string{fifo, "/dev/zero"} {
		t.Run("private_key_file "+path+" is a problem named at its key, not a hang", func(t *testing.T) {
			global := "  oauth:\n    client_id: 0oasvc\n    private_key_file: " + path + "\n"
			done := make(chan error, 1)
			go func() {
				_, err := ParseConfig([]byte(oauthConfig(global, "")), filepath.Join(t.TempDir(), "driftd.yaml"), testEnv)
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), "okta.oauth.private_key_file: cannot be read: "+path+" is not a regular file") {
					t.Fatalf("err = %v, want private_key_file refused as not a regular file", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("reading private_key_file %s still blocked after 5s", path)
			}
		})
	}
}
