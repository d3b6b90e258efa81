package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
)

// DefaultWatchResync is how often a watch's informer replays its cache to
// its handler: a safety net that costs no API request. A replay of an
// object that did not change triggers nothing.
const DefaultWatchResync = 10 * time.Minute

// KubernetesWatch watches what a KubernetesEnv reads, so an edit is noticed
// within seconds: one informer per object, each namespaced and narrowed by
// a field selector metadata.name=NAME (the Role grants configmaps and
// secrets by resourceNames, which a list of the whole namespace would
// break), for the Deployment, the ConfigMaps and Secrets its env reads
// (following the Deployment as it changes), its pods (by the Deployment's
// label selector), or the WeightsAndBiases resource and, while a v1
// resource's observation is the values the operator last applied (no app
// Deployment there or readable), its `<name>-spec-active` Secret. It only
// lists and watches.
type KubernetesWatch struct {
	// Env says what to watch and how to connect.
	Env *KubernetesEnv
	// Resync is the informers' resync period; zero means DefaultWatchResync.
	Resync time.Duration
	// OnChange is called for an edit: a created or deleted object, or one
	// whose content changed (a new resourceVersion; for the Deployment and
	// the custom resource a new generation, so status updates do not
	// count; for a pod a new phase or start time). Never for a resync.
	OnChange func(kind, name string)
	// OnError is called for each failed list or watch (a 403 when the Role
	// lacks watch). The informer retries with back-off.
	OnError func(err error)

	cs   *kubeClient
	ns   string
	host string
	ctx  context.Context

	// v1 says the resource is read as v1, whose observation falls back to
	// the spec-active Secret (KubernetesEnv.customResourceEnv).
	v1 bool

	// retarget serializes follow and followSpecActive, so that a prune
	// never races a decision to watch.
	retarget sync.Mutex

	mu         sync.Mutex
	specActive bool // the spec-active Secret is the observation
	stop       context.CancelFunc
	wg         sync.WaitGroup
	objs       map[string]*objWatch       // by kind/name
	failed     map[string]error           // by kind/name: the last list/watch failure
	reads      map[string]map[string]bool // by Deployment: the kind/name it reads

	replays atomic.Int64 // updates that changed nothing (resyncs, relists)
}

// objWatch is one running informer.
type objWatch struct {
	informer cache.SharedIndexInformer
	cancel   context.CancelFunc
}

// Start connects and starts the informers; they run until Stop or until
// ctx ends.
func (w *KubernetesWatch) Start(ctx context.Context) error {
	cfg, _, err := w.Env.restConfig()
	if err != nil {
		return fmt.Errorf("watching W&B objects in Kubernetes: %w", err)
	}
	// Discovery keeps the reads' timeout; a watch is a long
	// request, each list bounded by the informer.
	cfg = rest.CopyConfig(cfg)
	cfg.Timeout = 0
	if w.cs, err = newKubeClient(cfg); err != nil {
		return fmt.Errorf("watching W&B objects in Kubernetes: creating a client for %s: %w", cfg.Host, err)
	}
	w.ns, w.host = w.Env.namespace(), cfg.Host
	w.ctx, w.stop = context.WithCancel(ctx)
	w.objs, w.failed, w.reads = map[string]*objWatch{}, map[string]error{}, map[string]map[string]bool{}
	switch {
	case w.Env.Deployment != "":
		w.watchDeployment(w.Env.Deployment)
	case w.Env.WeightsAndBiases != "":
		dctx, cancel := context.WithTimeout(ctx, w.Env.timeout())
		gvr, err := servedVersion(dctx, w.cs)
		cancel()
		if err != nil {
			w.stop()
			return fmt.Errorf("watching W&B objects in Kubernetes: %w", err)
		}
		w.v1 = gvr == WeightsAndBiasesV1
		w.watchCustomResource(gvr, w.Env.WeightsAndBiases)
		// The app Deployments the operator runs: what the pods run.
		for _, name := range OperatorAppDeployments(w.Env.WeightsAndBiases) {
			w.watchDeployment(name)
		}
	default:
		return errors.New("watching W&B objects in Kubernetes: set deployment or weightsandbiases")
	}
	return nil
}

// Stop stops every informer and waits for them.
func (w *KubernetesWatch) Stop() {
	if w.stop != nil {
		w.stop()
	}
	w.wg.Wait()
}

// Err is the current list/watch failures, one per object, or nil: a watch
// that failed and has not been re-established since. A Deployment refused
// (403) while the spec-active Secret is the observation is not one: the
// reader reads that Secret instead, as a Role without Deployments intends.
func (w *KubernetesWatch) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	keys := make([]string, 0, len(w.failed))
	for k, err := range w.failed {
		if w.specActive && strings.HasPrefix(k, "Deployment/") && apierrors.IsForbidden(err) {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	errs := make([]error, 0, len(keys))
	for _, k := range keys {
		errs = append(errs, w.failed[k])
	}
	return errors.Join(errs...)
}

// Watching lists the kind/name (pods: Pods/selector) of each running
// informer, sorted.
func (w *KubernetesWatch) Watching() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.objs))
	for k := range w.objs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Synced reports whether every running informer has its first list.
func (w *KubernetesWatch) Synced() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, o := range w.objs {
		if !o.informer.HasSynced() {
			return false
		}
	}
	return true
}

func (w *KubernetesWatch) resync() time.Duration {
	if w.Resync <= 0 {
		return DefaultWatchResync
	}
	return w.Resync
}

// byName narrows a list or watch to one object.
func byName(name string) func(*metav1.ListOptions) {
	sel := fields.OneTermEqualSelector("metadata.name", name).String()
	return func(o *metav1.ListOptions) { o.FieldSelector = sel }
}

// listWatch builds an informer's ListWatch from a list and a watch call,
// with narrow applied to both. A watch that opens clears the object's
// recorded failure.
func (w *KubernetesWatch) listWatch(key string, narrow func(*metav1.ListOptions),
	list func(context.Context, metav1.ListOptions) (runtime.Object, error),
	watchFn func(context.Context, metav1.ListOptions) (watch.Interface, error)) *cache.ListWatch {
	return &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			narrow(&o)
			return list(ctx, o)
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			narrow(&o)
			wi, err := watchFn(ctx, o)
			if err == nil {
				w.mu.Lock()
				delete(w.failed, key)
				w.mu.Unlock()
				if strings.HasPrefix(key, "Deployment/") {
					w.followSpecActive()
				}
			}
			return wi, err
		},
	}
}

// run starts an informer for key unless one runs, and returns it (nil if
// one ran); sig is what must change for an update to count as an edit, and
// then (optional) sees every version of the object, the initial one
// included, and nil once it is deleted.
func (w *KubernetesWatch) run(key string, lw *cache.ListWatch, example runtime.Object, sig func(any) string, then func(any)) *objWatch {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, ok := w.objs[key]; ok || w.ctx.Err() != nil {
		return nil
	}
	inf := cache.NewSharedIndexInformerWithOptions(lw, example, cache.SharedIndexInformerOptions{ResyncPeriod: w.resync()})
	kind, name, _ := strings.Cut(key, "/")
	_ = inf.SetWatchErrorHandlerWithContext(func(_ context.Context, _ *cache.Reflector, err error) { w.watchFailed(key, err) })
	_, _ = inf.AddEventHandler(cache.ResourceEventHandlerDetailedFuncs{
		AddFunc: func(obj any, initial bool) {
			if then != nil {
				then(obj)
			}
			if !initial {
				w.changed(kind, name)
			}
		},
		UpdateFunc: func(old, obj any) {
			if then != nil {
				then(obj)
			}
			if sig(old) == sig(obj) {
				w.replays.Add(1)
				return
			}
			w.changed(kind, name)
		},
		DeleteFunc: func(any) {
			if then != nil {
				then(nil)
			}
			w.changed(kind, name)
		},
	})
	ctx, cancel := context.WithCancel(w.ctx)
	o := &objWatch{informer: inf, cancel: cancel}
	w.objs[key] = o
	w.wg.Add(1)
	go func() { defer w.wg.Done(); inf.RunWithContext(ctx) }()
	return o
}

func (w *KubernetesWatch) changed(kind, name string) {
	if w.OnChange != nil {
		w.OnChange(kind, name)
	}
}

// watchFailed records and reports a failed list or watch, except a watch
// that merely ended (EOF, or a resourceVersion too old: the informer
// lists again), as client-go's DefaultWatchErrorHandler does
// (k8s.io/client-go v0.37.1 tools/cache/reflector.go).
func (w *KubernetesWatch) watchFailed(key string, err error) {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || apierrors.IsResourceExpired(err) || apierrors.IsGone(err) {
		return
	}
	kind, name, _ := strings.Cut(key, "/")
	r := &kubeRead{ns: w.ns, host: w.host, timeout: w.Env.timeout()}
	err = fmt.Errorf("watching %s %s/%s: %w", kind, w.ns, name, r.apiError(err, "list and watch", watchResources[kind], strings.ToLower(kind), name))
	w.mu.Lock()
	if _, running := w.objs[key]; running {
		w.failed[key] = err
	}
	w.mu.Unlock()
	if kind == "Deployment" {
		w.followSpecActive()
	}
	if w.OnError != nil {
		w.OnError(err)
	}
}

// watchResources names each watched kind's resource as RBAC spells it.
var watchResources = map[string]string{
	"Deployment": "deployments.apps", "ConfigMap": "configmaps", "Secret": "secrets", "Pods": "pods",
	"WeightsAndBiases": "weightsandbiases.apps.wandb.com",
}

// generation is the signature of objects whose spec bumps
// metadata.generation (Deployments, custom resources with a status
// subresource): status updates leave it alone.
func generation(obj any) string {
	m, err := meta.Accessor(obj)
	if err != nil {
		return ""
	}
	return fmt.Sprint(m.GetGeneration(), "/", m.GetDeletionTimestamp() != nil)
}

// resourceVersion is the signature of objects without a generation
// (ConfigMaps, Secrets): any write is a new resourceVersion.
func resourceVersion(obj any) string {
	m, err := meta.Accessor(obj)
	if err != nil {
		return ""
	}
	return m.GetResourceVersion()
}

// watchCustomResource watches the WeightsAndBiases resource by name with
// the dynamic client, in the version the reader reads (servedVersion).
func (w *KubernetesWatch) watchCustomResource(gvr schema.GroupVersionResource, name string) {
	key := "WeightsAndBiases/" + name
	res := w.cs.dyn.Resource(gvr).Namespace(w.ns)
	lw := w.listWatch(key, byName(name),
		func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) { return res.List(ctx, o) },
		res.Watch)
	w.run(key, lw, &unstructured.Unstructured{}, generation, nil)
}

// watchDeployment watches the Deployment and, as each version of it
// arrives, the objects its env reads and its pods; for a v1 resource, as
// it comes, goes or syncs, whether the spec-active Secret is the
// observation.
func (w *KubernetesWatch) watchDeployment(name string) {
	key := "Deployment/" + name
	deps := w.cs.deployments(w.ns)
	lw := w.listWatch(key, byName(name),
		func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) { return deps.List(ctx, o) },
		deps.Watch)
	o := w.run(key, lw, &appsv1.Deployment{}, generation, func(obj any) {
		if d, ok := obj.(*appsv1.Deployment); ok {
			w.follow(d)
		} else if obj == nil {
			w.unfollow(name)
		}
		w.followSpecActive()
	})
	if o != nil && w.v1 {
		// An empty first list calls no handler.
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			if cache.WaitForCacheSync(w.ctx.Done(), o.informer.HasSynced) {
				w.followSpecActive()
			}
		}()
	}
}

// follow (re)targets the informers of what Deployment d's env reads and of
// its pods; those no watched Deployment reads any more stop.
func (w *KubernetesWatch) follow(d *appsv1.Deployment) {
	mine := map[string]bool{}
	if c := w.container(d); c != nil {
		for _, ref := range envObjects(c) {
			mine[ref] = true
		}
	}
	if sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector); err == nil && !sel.Empty() {
		mine["Pods/"+sel.String()] = true
	}
	w.retarget.Lock()
	defer w.retarget.Unlock()
	w.mu.Lock()
	w.reads[d.Name] = mine
	w.mu.Unlock()
	for ref := range mine {
		kind, name, _ := strings.Cut(ref, "/")
		if kind == "Pods" {
			w.watchPods(ref, name)
		} else {
			w.watchEnvObject(kind, name)
		}
	}
	w.prune()
}

// container is the container whose env the reader resolves: the one
// configured, or the backend container of the operator's app Deployment.
func (w *KubernetesWatch) container(d *appsv1.Deployment) *corev1.Container {
	var c *corev1.Container
	var err error
	if w.Env.WeightsAndBiases != "" {
		c, err = operatorContainer(d)
	} else {
		c, err = pickContainer(d, w.Env.Container)
	}
	if err != nil {
		return nil
	}
	return c
}

// envObjects lists the ConfigMaps and Secrets (as Kind/name) the reader
// reads for container c: every ConfigMap it refers to, and the Secrets of
// envFrom and of the checked keys' secretKeyRefs (envRefs.resolve).
func envObjects(c *corev1.Container) []string {
	var out []string
	for _, from := range c.EnvFrom {
		switch {
		case from.ConfigMapRef != nil:
			out = append(out, "ConfigMap/"+from.ConfigMapRef.Name)
		case from.SecretRef != nil:
			out = append(out, "Secret/"+from.SecretRef.Name)
		}
	}
	for _, v := range c.Env {
		switch from := v.ValueFrom; {
		case v.Value != "" || from == nil:
		case from.ConfigMapKeyRef != nil:
			out = append(out, "ConfigMap/"+from.ConfigMapKeyRef.Name)
		case from.SecretKeyRef != nil && isCheckedKey(v.Name):
			out = append(out, "Secret/"+from.SecretKeyRef.Name)
		}
	}
	return out
}

// watchEnvObject watches one ConfigMap or Secret by name.
func (w *KubernetesWatch) watchEnvObject(kind, name string) {
	key := kind + "/" + name
	if kind == "Secret" {
		s := w.cs.secrets(w.ns)
		lw := w.listWatch(key, byName(name),
			func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) { return s.List(ctx, o) }, s.Watch)
		w.run(key, lw, &corev1.Secret{}, resourceVersion, nil)
		return
	}
	cm := w.cs.configMaps(w.ns)
	lw := w.listWatch(key, byName(name),
		func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) { return cm.List(ctx, o) }, cm.Watch)
	w.run(key, lw, &corev1.ConfigMap{}, resourceVersion, nil)
}

// watchPods watches the pods matching a Deployment's selector. A pod's
// edit, for the rollout check, is its phase, start time or deletion.
func (w *KubernetesWatch) watchPods(key, selector string) {
	pods := w.cs.pods(w.ns)
	narrow := func(o *metav1.ListOptions) { o.LabelSelector = selector }
	lw := w.listWatch(key, narrow,
		func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) { return pods.List(ctx, o) }, pods.Watch)
	w.run(key, lw, &corev1.Pod{}, podSignature, nil)
}

func podSignature(obj any) string {
	p, ok := obj.(*corev1.Pod)
	if !ok {
		return ""
	}
	return fmt.Sprint(p.Status.Phase, "/", p.Status.StartTime, "/", p.DeletionTimestamp != nil)
}
