package source

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/driftd/driftd/checks"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// preferredContainers are the W&B backend's container names, tried in order
// when a Deployment has several containers: `api` (operator-wandb's api
// service), `app` (its app service) and `wandb` (the legacy chart and
// terraform-kubernetes-wandb).
var preferredContainers = []string{"api", "app", "wandb"}

// deploymentEnv reads the Deployment, resolves its container's env and
// observes whether the running pods started after the objects they read.
func (k *KubernetesEnv) deploymentEnv(ctx context.Context, r *kubeRead, where string) (*checks.WandbEnv, error) {
	var d *appsv1.Deployment
	err := r.call(ctx, func(ctx context.Context) (err error) {
		d, err = r.cs.deployments(r.ns).Get(ctx, k.Deployment, metav1.GetOptions{})
		return err
	})
	if err != nil {
		return nil, r.apiError(err, "get", "deployments.apps", "deployment", k.Deployment)
	}
	c, err := pickContainer(d, k.Container)
	if err != nil {
		return nil, err
	}
	refs := &envRefs{read: r}
	vars, err := refs.resolve(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("resolving the env of deployment %s/%s container %s: %w", r.ns, d.Name, c.Name, err)
	}
	rollout, err := observeRollout(ctx, r, d, refs)
	if err != nil {
		return nil, err
	}
	rollout.ObservedAt = k.now()
	return &checks.WandbEnv{
		Source:  "kubernetes:" + where + ":deployment/" + r.ns + "/" + d.Name + "/" + c.Name,
		Vars:    vars,
		Rollout: rollout,
	}, nil
}

// pickContainer chooses the container whose env is W&B's: the one named,
// else the only one, else the first of preferredContainers present.
func pickContainer(d *appsv1.Deployment, want string) (*corev1.Container, error) {
	cs := d.Spec.Template.Spec.Containers
	names := make([]string, len(cs))
	for i := range cs {
		names[i] = cs[i].Name
	}
	find := func(name string) *corev1.Container {
		if i := slices.Index(names, name); i >= 0 {
			return &cs[i]
		}
		return nil
	}
	switch {
	case want != "":
		if c := find(want); c != nil {
			return c, nil
		}
		return nil, fmt.Errorf("deployment %s/%s has no container %q: its containers are %s", d.Namespace, d.Name, want, strings.Join(names, ", "))
	case len(cs) == 1:
		return &cs[0], nil
	}
	for _, name := range preferredContainers {
		if c := find(name); c != nil {
			return c, nil
		}
	}
	return nil, fmt.Errorf("deployment %s/%s has containers %s and none is named api, app or wandb: set wandb.env.container to one of them", d.Namespace, d.Name, strings.Join(names, ", "))
}

// envRefs resolves env references and remembers each ConfigMap and Secret
// it read (present ones), for the rollout observation.
type envRefs struct {
	read       *kubeRead
	configMaps map[string]*corev1.ConfigMap // nil value: optional and absent
	secrets    map[string]*corev1.Secret
	// unread names each variable left out because driftd cannot or does
	// not read its value, with where the value comes from and how to make
	// a checked variable that refers to it readable.
	unread map[string]unreadVar
	// badText holds each checked variable an envFrom Secret gives bytes
	// that are not text, until a later entry replaces it.
	badText map[string]error
}

// notText leaves out a checked variable whose Secret value is not text.
func (e *envRefs) notText(env map[string]string, name string, err error) {
	delete(env, name)
	if e.badText == nil {
		e.badText = map[string]error{}
	}
	e.badText[name] = err
}

// unreadVar is where a variable left out gets its value.
type unreadVar struct{ from, fix string }

// skip leaves out name, a variable of Secret secret that is not read.
func (e *envRefs) skip(env map[string]string, name, secret string) {
	e.leaveOut(env, name, unreadVar{
		from: fmt.Sprintf("Secret %s/%s, which driftd does not read for a variable it does not check", e.read.ns, secret),
		fix:  "from the Secret directly (secretKeyRef)",
	})
}

func (e *envRefs) leaveOut(env map[string]string, name string, u unreadVar) {
	delete(env, name)
	if e.unread == nil {
		e.unread = map[string]unreadVar{}
	}
	e.unread[name] = u
}

// fromThePod names where the kubelet takes v's value from the pod itself
// (k8s.io/api v0.37.1 core/v1 types.go, EnvVarSource: fieldRef,
// resourceFieldRef, fileKeyRef), a value the API does not hold; "" for
// any other variable.
func fromThePod(v corev1.EnvVar) string {
	switch from := v.ValueFrom; {
	case from == nil:
	case from.FieldRef != nil:
		return "the pod's fieldRef " + from.FieldRef.FieldPath
	case from.ResourceFieldRef != nil:
		return "the container's resourceFieldRef " + from.ResourceFieldRef.Resource
	case from.FileKeyRef != nil:
		f := from.FileKeyRef
		return fmt.Sprintf("fileKeyRef key %s of file %s in volume %s", f.Key, f.Path, f.VolumeName)
	}
	return ""
}

// leaveOutPodValue leaves out a variable whose value only the running pod
// knows; a checked one is a failed read (not absent, and not the value an
// earlier envFrom gave it, which the kubelet overrides).
func (e *envRefs) leaveOutPodValue(env map[string]string, v corev1.EnvVar, from string) error {
	if isCheckedKey(v.Name) {
		return fmt.Errorf("%s comes from %s, which only the running pod knows, so driftd cannot read it: set %s as a value or from a ConfigMap or Secret", v.Name, from, v.Name)
	}
	e.leaveOut(env, v.Name, unreadVar{from: from + ", which only the running pod knows", fix: "as a value or from a ConfigMap or Secret"})
	return nil
}

// refusesUnread fails a checked variable whose literal refers to a
// variable left unread: the kubelet gives it the Secret's value, which
// driftd did not read, so its value is unknown (not drift).
func (e *envRefs) refusesUnread(v corev1.EnvVar) error {
	if v.Value == "" || !isCheckedKey(v.Name) {
		return nil
	}
	for _, ref := range referencedVars(v.Value) {
		if err, ok := e.badText[ref]; ok {
			return fmt.Errorf("%s refers to $(%s): %w", v.Name, ref, err)
		}
		if u, ok := e.unread[ref]; ok {
			return fmt.Errorf("%s is %q, and $(%s) comes from %s: set %s %s", v.Name, v.Value, ref, u.from, v.Name, u.fix)
		}
	}
	return nil
}

// referencedVars lists the $(NAME) references of a literal, as expandEnv
// reads them ($$ escapes a dollar).
func referencedVars(in string) []string {
	var out []string
	for i := 0; i+1 < len(in); i++ {
		if in[i] != '$' {
			continue
		}
		switch rest := in[i+1:]; rest[0] {
		case '$':
			i++
		case '(':
			end := strings.IndexByte(rest, ')')
			if end < 0 {
				return out
			}
			out = append(out, rest[1:end])
			i += end + 1
		}
	}
	return out
}

// resolve computes the container's env as the kubelet does
// (k8s.io/kubernetes v1.37.2 pkg/kubelet/kubelet_pods.go,
// makeEnvironmentVariables): envFrom first, in order, each key with its
// prefix, later sources overwriting earlier ones; then env in order, a
// literal value with $(VAR) references expanded against what is defined so
// far, a valueFrom resolved; an optional reference to a missing object or
// key leaves the variable as it was. Of a Secret, only the values of the
// keys driftd checks (checks.EnvKeys) are kept.
func (e *envRefs) resolve(ctx context.Context, c *corev1.Container) (map[string]string, error) {
	env := map[string]string{}
	for _, from := range c.EnvFrom {
		if err := e.envFrom(ctx, from, env); err != nil {
			return nil, err
		}
	}
	for _, v := range c.Env {
		if err := e.refusesUnread(v); err != nil {
			return nil, err
		}
		if from := fromThePod(v); from != "" {
			if err := e.leaveOutPodValue(env, v, from); err != nil {
				return nil, err
			}
			continue
		}
		val, set, err := e.envVar(ctx, v, env)
		if err != nil {
			return nil, err
		}
		switch {
		case v.ValueFrom != nil && v.ValueFrom.SecretKeyRef != nil && !isCheckedKey(v.Name):
			e.skip(env, v.Name, v.ValueFrom.SecretKeyRef.Name) // a secret driftd does not need stays unread
		case set:
			env[v.Name] = val
			delete(e.unread, v.Name)
			delete(e.badText, v.Name)
		}
	}
	if len(e.badText) > 0 {
		return nil, e.badText[slices.Min(slices.Collect(maps.Keys(e.badText)))]
	}
	return env, nil
}

func (e *envRefs) envFrom(ctx context.Context, from corev1.EnvFromSource, env map[string]string) error {
	switch {
	case from.ConfigMapRef != nil:
		cm, err := e.configMap(ctx, from.ConfigMapRef.Name, optional(from.ConfigMapRef.Optional))
		if err != nil || cm == nil {
			return err
		}
		for k, v := range cm.Data {
			env[from.Prefix+k] = v
			delete(e.unread, from.Prefix+k)
			delete(e.badText, from.Prefix+k)
		}
	case from.SecretRef != nil:
		s, err := e.secret(ctx, from.SecretRef.Name, optional(from.SecretRef.Optional))
		if err != nil || s == nil {
			return err
		}
		for k, v := range s.Data {
			if name := from.Prefix + k; isCheckedKey(name) {
				text, err := e.secretText(name, from.SecretRef.Name, k, v)
				if err != nil {
					// A later env entry may still replace it.
					e.notText(env, name, err)
					continue
				}
				env[name] = text
				delete(e.unread, name)
				delete(e.badText, name)
			} else {
				e.skip(env, name, from.SecretRef.Name)
			}
		}
	}
	return nil
}

// envVar returns one env entry's value, and false when an optional
// reference is missing (the kubelet then skips the entry).
func (e *envRefs) envVar(ctx context.Context, v corev1.EnvVar, env map[string]string) (string, bool, error) {
	if v.Value != "" || v.ValueFrom == nil {
		return expandEnv(v.Value, env), true, nil
	}
	switch from := v.ValueFrom; {
	case from.ConfigMapKeyRef != nil:
		ref := from.ConfigMapKeyRef
		cm, err := e.configMap(ctx, ref.Name, optional(ref.Optional))
		if err != nil || cm == nil {
			return "", false, err
		}
		val, ok := cm.Data[ref.Key]
		if !ok && !optional(ref.Optional) {
			return "", false, fmt.Errorf("%s: key %s is not in ConfigMap %s/%s, so the pods cannot start", v.Name, ref.Key, e.read.ns, ref.Name)
		}
		return val, ok, nil
	case from.SecretKeyRef != nil:
		ref := from.SecretKeyRef
		if !isCheckedKey(v.Name) {
			// Least privilege: a Secret driftd does not check is not read
			// (and need not be granted in the Role).
			return "", false, nil
		}
		s, err := e.secret(ctx, ref.Name, optional(ref.Optional))
		if err != nil || s == nil {
			return "", false, err
		}
		val, ok := s.Data[ref.Key]
		if !ok && !optional(ref.Optional) {
			return "", false, fmt.Errorf("%s: key %s is not in Secret %s/%s, so the pods cannot start", v.Name, ref.Key, e.read.ns, ref.Name)
		}
		if !ok {
			return "", false, nil
		}
		text, err := e.secretText(v.Name, ref.Name, ref.Key, val)
		return text, err == nil, err
	}
	// fieldRef, resourceFieldRef, fileKeyRef: left out by resolve (fromThePod).
	return "", false, nil
}

func optional(p *bool) bool { return p != nil && *p }

// secretText is a Secret's value of a checked variable as text. Secret data
// is bytes (core/v1 Secret.Data) handed to the container as they are; bytes
// that are not UTF-8 are no issuer, client id or origin list, and are never
// shown.
func (e *envRefs) secretText(name, secret, key string, v []byte) (string, error) {
	if !utf8.Valid(v) {
		return "", fmt.Errorf("%s: key %s of Secret %s/%s is %d bytes that are not UTF-8 text", name, key, e.read.ns, secret, len(v))
	}
	return string(v), nil
}

// configMap gets a ConfigMap once per read; nil with no error means an
// optional one that does not exist.
func (e *envRefs) configMap(ctx context.Context, name string, opt bool) (*corev1.ConfigMap, error) {
	if cm, ok := e.configMaps[name]; ok {
		return cm, nil
	}
	var cm *corev1.ConfigMap
	err := e.read.call(ctx, func(ctx context.Context) (err error) {
		cm, err = e.read.cs.configMaps(e.read.ns).Get(ctx, name, metav1.GetOptions{})
		return err
	})
	if apierrors.IsNotFound(err) && opt {
		cm, err = nil, nil
	}
	if err != nil {
		return nil, e.read.apiError(err, "get", "configmaps", "configmap", name)
	}
	if e.configMaps == nil {
		e.configMaps = map[string]*corev1.ConfigMap{}
	}
	e.configMaps[name] = cm
	return cm, nil
}

// secret gets a Secret once per read; see configMap. Its values never leave
// this file except for the checked keys.
func (e *envRefs) secret(ctx context.Context, name string, opt bool) (*corev1.Secret, error) {
	if s, ok := e.secrets[name]; ok {
		return s, nil
	}
	var s *corev1.Secret
	err := e.read.call(ctx, func(ctx context.Context) (err error) {
		s, err = e.read.cs.secrets(e.read.ns).Get(ctx, name, metav1.GetOptions{})
		return err
	})
	if apierrors.IsNotFound(err) && opt {
		s, err = nil, nil
	}
	if err != nil {
		return nil, e.read.apiError(err, "get", "secrets", "secret", name)
	}
	if e.secrets == nil {
		e.secrets = map[string]*corev1.Secret{}
	}
	e.secrets[name] = s
	return s, nil
}

// sources lists the objects read, with when each last changed.
func (e *envRefs) sources() []checks.EnvObject {
	var out []checks.EnvObject
	for name, cm := range e.configMaps {
		if cm != nil {
			out = append(out, checks.EnvObject{Kind: "ConfigMap", Name: name, Changed: lastChanged(cm.ObjectMeta)})
		}
	}
	for name, s := range e.secrets {
		if s != nil {
			out = append(out, checks.EnvObject{Kind: "Secret", Name: name, Changed: lastChanged(s.ObjectMeta)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Kind+out[i].Name < out[j].Kind+out[j].Name })
	return out
}

// lastChanged is the newest managedFields time of the object itself (not a
// subresource), which the API server updates whenever a manager changes a
// field; objects without managed fields fall back to creationTimestamp.
func lastChanged(m metav1.ObjectMeta) time.Time {
	t := m.CreationTimestamp.Time
	for _, f := range m.ManagedFields {
		if f.Subresource == "" && f.Time != nil && f.Time.After(t) {
			t = f.Time.Time
		}
	}
	return t
}
