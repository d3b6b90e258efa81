package events

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/daemon/config"
)

// SourceKubernetes is the driftd_events_total{source} label of Kubernetes
// watch events.
const SourceKubernetes = "kubernetes"

// KubeWatches runs one source.KubernetesWatch per target whose env source
// is `kubernetes`, when kubernetes.watch is on: an edit of a watched
// object queues a run of that target. Retarget follows config reloads.
type KubeWatches struct {
	ctx     context.Context
	queue   *Queue
	metrics Metrics
	log     *slog.Logger
	// Resync is each informer's resync period; zero means
	// source.DefaultWatchResync.
	Resync time.Duration
	// Now stamps an edit's notice, the start of its detection latency.
	Now func() time.Time

	mu      sync.Mutex
	targets map[string]*kubeWatch
}

type kubeWatch struct {
	env   config.EnvSource
	watch *source.KubernetesWatch
}

// NewKubeWatches returns a manager whose watches end with ctx; call
// Retarget to start them.
func NewKubeWatches(ctx context.Context, q *Queue, m Metrics, log *slog.Logger) *KubeWatches {
	return &KubeWatches{ctx: ctx, queue: q, metrics: m, log: log, Now: time.Now, targets: map[string]*kubeWatch{}}
}

// Retarget makes the running watches those cfg calls for: it stops the
// watches of targets gone or whose env source changed, and starts the new
// ones. With kubernetes.watch off, it stops them all.
func (k *KubeWatches) Retarget(cfg *config.Config) {
	want := map[string]config.EnvSource{}
	if cfg.Kubernetes.Watch {
		for _, t := range cfg.Targets {
			if t.Wandb.Env.Source == "kubernetes" {
				want[t.Name] = t.Wandb.Env
			}
		}
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	for name, w := range k.targets {
		if env, ok := want[name]; !ok || env != w.env {
			w.watch.Stop()
			delete(k.targets, name)
		}
	}
	for name, env := range want {
		if _, ok := k.targets[name]; ok {
			continue
		}
		if w := k.start(name, env); w != nil {
			k.targets[name] = &kubeWatch{env: env, watch: w}
		}
	}
}

// start starts target's watch; nil when it cannot connect (logged and
// counted: the target's runs report the same problem reading the env).
func (k *KubeWatches) start(target string, env config.EnvSource) *source.KubernetesWatch {
	w := &source.KubernetesWatch{
		Env: &source.KubernetesEnv{Kubeconfig: env.Kubeconfig, Context: env.Context, Namespace: env.Namespace,
			Deployment: env.Deployment, WeightsAndBiases: env.WeightsAndBiases, Container: env.Container},
		Resync: k.Resync,
		OnChange: func(kind, name string) {
			k.log.Info("kubernetes object changed; queueing a run", "target", target, "kind", kind, "name", name)
			k.metrics.Event(SourceKubernetes, ResultQueued)
			k.queue.Add(target, k.Now())
		},
		OnError: func(err error) {
			k.metrics.Event(SourceKubernetes, ResultError)
			k.log.Warn("kubernetes watch failed; retrying, and the scheduled runs go on", "target", target, "err", err)
		},
	}
	if err := w.Start(k.ctx); err != nil {
		k.metrics.Event(SourceKubernetes, ResultError)
		k.log.Error("starting the kubernetes watch", "target", target, "err", err)
		return nil
	}
	k.log.Info("watching kubernetes objects", "target", target, "namespace", env.Namespace)
	return w
}

// Err is target's current watch failure, nil when its watches are well
// (or it has none): the run path reports it as an observation error, so a
// watch that cannot see edits is never silent.
func (k *KubeWatches) Err(target string) error {
	k.mu.Lock()
	w, ok := k.targets[target]
	k.mu.Unlock()
	if !ok {
		return nil
	}
	return w.watch.Err()
}

// Watch returns target's running watch, nil when there is none.
func (k *KubeWatches) Watch(target string) *source.KubernetesWatch {
	k.mu.Lock()
	defer k.mu.Unlock()
	if w, ok := k.targets[target]; ok {
		return w.watch
	}
	return nil
}

// Stop stops every watch and waits for them.
func (k *KubeWatches) Stop() {
	k.mu.Lock()
	defer k.mu.Unlock()
	for name, w := range k.targets {
		w.watch.Stop()
		delete(k.targets, name)
	}
}
