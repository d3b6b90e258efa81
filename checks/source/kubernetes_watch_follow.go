package source

import (
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// followSpecActive watches the v1 resource's spec-active Secret while it is
// the observation, and stops when it no longer is. While the Deployments'
// informers do not yet say, nothing changes.
func (w *KubernetesWatch) followSpecActive() {
	if !w.v1 {
		return
	}
	w.retarget.Lock()
	defer w.retarget.Unlock()
	follow, known := w.specActiveObserved()
	if !known {
		return
	}
	w.mu.Lock()
	w.specActive = follow
	w.mu.Unlock()
	if follow {
		w.watchEnvObject("Secret", SpecActiveSecret(w.Env.WeightsAndBiases))
	}
	w.prune()
}

// specActiveObserved says, from the Deployments' informers, whether the
// reader would read the spec-active Secret (customResourceEnv's
// appUnreadable): it looks in operatorApp's order, and the first of
// OperatorAppDeployments that is there (the `api` one only when the
// operator's) or refused (403) decides. known is false while an informer
// that could decide has neither listed nor been refused.
func (w *KubernetesWatch) specActiveObserved() (follow, known bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, name := range OperatorAppDeployments(w.Env.WeightsAndBiases) {
		key := "Deployment/" + name
		if err := w.failed[key]; err != nil && apierrors.IsForbidden(err) {
			return true, true
		}
		o := w.objs[key]
		if o == nil || !o.informer.HasSynced() {
			return false, false
		}
		obj, there, err := o.informer.GetStore().GetByKey(w.ns + "/" + name)
		if err != nil {
			return false, false
		}
		if !there {
			continue
		}
		if d, ok := obj.(*appsv1.Deployment); ok && name == operatorV2App && !isOperatorV2App(d) {
			continue
		}
		return false, true
	}
	return true, true
}

// prune stops the informers of ConfigMaps, Secrets and pods that no
// watched Deployment reads, keeping the spec-active Secret while it is the
// observation.
func (w *KubernetesWatch) prune() {
	w.mu.Lock()
	defer w.mu.Unlock()
	want := map[string]bool{}
	for _, refs := range w.reads {
		for ref := range refs {
			want[ref] = true
		}
	}
	if w.specActive {
		want["Secret/"+SpecActiveSecret(w.Env.WeightsAndBiases)] = true
	}
	for key, o := range w.objs {
		kind, _, _ := strings.Cut(key, "/")
		if (kind == "ConfigMap" || kind == "Secret" || kind == "Pods") && !want[key] {
			o.cancel()
			delete(w.objs, key)
			delete(w.failed, key)
		}
	}
}

// unfollow stops the informers of what the deleted Deployment name read,
// unless another reads them.
func (w *KubernetesWatch) unfollow(name string) {
	w.retarget.Lock()
	defer w.retarget.Unlock()
	w.mu.Lock()
	delete(w.reads, name)
	w.mu.Unlock()
	w.prune()
}
