package source

import (
	"context"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestAKubeconfigThatIsNotARegularFileIsAFailedReadAtOnce(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "kubeconfig")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	tests := []struct{ name, path string }{
		{"a named pipe nobody writes to is refused, not waited on", fifo},
		{"a device (/dev/zero) is refused, not read into memory", "/dev/zero"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				k := &KubernetesEnv{Kubeconfig: tc.path, Namespace: "wandb", Deployment: "wandb-app"}
				_, err := k.Env(context.Background())
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), "not a regular file") {
					t.Fatalf("err = %v, want one saying the kubeconfig is not a regular file", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("loading kubeconfig %s still blocked after 5s", tc.path)
			}
		})
	}
}

func TestAKubeconfigNamedByTheEnvironmentThatIsNotARegularFileIsAFailedReadAtOnce(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "kubeconfig")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	// Neither in a cluster nor with wandb.env.kubeconfig: client-go loads
	// every file $KUBECONFIG lists.
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	t.Setenv("KUBECONFIG", filepath.Join(dir, "absent")+string(filepath.ListSeparator)+fifo)
	done := make(chan error, 1)
	go func() {
		k := &KubernetesEnv{Namespace: "wandb", Deployment: "wandb-app"}
		_, err := k.Env(context.Background())
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") || !strings.Contains(err.Error(), fifo) {
			t.Fatalf("err = %v, want one naming %s as not a regular file", err, fifo)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("loading the kubeconfig named by $KUBECONFIG still blocked after 5s")
	}
}
