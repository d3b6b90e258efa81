package source

import (
	"context"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestAnEnvFileThatIsNotARegularFileIsAFailedReadAtOnce(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "wandb.env")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	tests := []struct{ name, path string }{
		{"a named pipe nobody writes to is refused, not waited on", fifo},
		{"a device (/dev/zero) is refused", "/dev/zero"},
		{"a directory is refused", t.TempDir()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				_, err := EnvFile{Path: tc.path}.Env(context.Background())
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), "not a regular file") {
					t.Fatalf("err = %v, want one saying the path is not a regular file", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("reading %s still blocked after 5s", tc.path)
			}
		})
	}
}
