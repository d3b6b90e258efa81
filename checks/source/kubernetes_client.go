package source

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
)

// kubeClient is the part of the Kubernetes API driftd reads: Deployments,
// Pods, ConfigMaps and Secrets (typed), the W&B operator's resource
// (dynamic), and which versions of it the API serves. It is REST clients
// over a private scheme of apps/v1 and core/v1 only, the requests
// client-go's generated clients make (k8s.io/client-go/gentype, type.go),
// not client-go's clientset and discovery client: those link some 200 more
// packages, whose init (every API group's scheme, structured-merge-diff,
// gnostic) every driftd command paid at start-up, with or without
// Kubernetes (issue 21).
type kubeClient struct {
	core, apps *rest.RESTClient
	dyn        dynamic.Interface
}

// kubeCodecs is the private scheme, built on the first Kubernetes read
// rather than at init: the way client-go's kubernetes/scheme registers
// (register.go: the meta/v1 options, then each group).
var kubeCodecs = sync.OnceValues(func() (serializer.CodecFactory, runtime.ParameterCodec) {
	s := runtime.NewScheme()
	metav1.AddToGroupVersion(s, schema.GroupVersion{Version: "v1"})
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, appsv1.AddToScheme} {
		if err := add(s); err != nil {
			panic(fmt.Sprintf("registering a built-in Kubernetes API group: %v", err)) // a bug in k8s.io/api, not an input
		}
	}
	return serializer.NewCodecFactory(s), runtime.NewParameterCodec(s)
})

// newKubeClient builds the clients for cfg, sharing one HTTP client.
func newKubeClient(cfg *rest.Config) (*kubeClient, error) {
	hc, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, err
	}
	c := &kubeClient{}
	if c.core, err = typedRESTClient(cfg, hc, corev1.SchemeGroupVersion, "/api"); err != nil {
		return nil, err
	}
	if c.apps, err = typedRESTClient(cfg, hc, appsv1.SchemeGroupVersion, "/apis"); err != nil {
		return nil, err
	}
	if c.dyn, err = dynamic.NewForConfigAndClient(cfg, hc); err != nil {
		return nil, err
	}
	return c, nil
}

// typedRESTClient is client-go's setConfigDefaults of a typed group
// (kubernetes/typed/apps/v1/apps_client.go) on the private scheme.
func typedRESTClient(cfg *rest.Config, hc *http.Client, gv schema.GroupVersion, apiPath string) (*rest.RESTClient, error) {
	codecs, _ := kubeCodecs()
	c := rest.CopyConfig(cfg)
	c.GroupVersion, c.APIPath = &gv, apiPath
	c.NegotiatedSerializer = codecs.WithoutConversion()
	if c.UserAgent == "" {
		c.UserAgent = rest.DefaultKubernetesUserAgent()
	}
	return rest.RESTClientForConfigAndClient(c, hc)
}

func (c *kubeClient) deployments(ns string) kubeObjects[appsv1.Deployment, appsv1.DeploymentList] {
	return kubeObjects[appsv1.Deployment, appsv1.DeploymentList]{rc: c.apps, ns: ns, resource: "deployments"}
}

func (c *kubeClient) pods(ns string) kubeObjects[corev1.Pod, corev1.PodList] {
	return kubeObjects[corev1.Pod, corev1.PodList]{rc: c.core, ns: ns, resource: "pods"}
}

func (c *kubeClient) configMaps(ns string) kubeObjects[corev1.ConfigMap, corev1.ConfigMapList] {
	return kubeObjects[corev1.ConfigMap, corev1.ConfigMapList]{rc: c.core, ns: ns, resource: "configmaps"}
}

func (c *kubeClient) secrets(ns string) kubeObjects[corev1.Secret, corev1.SecretList] {
	return kubeObjects[corev1.Secret, corev1.SecretList]{rc: c.core, ns: ns, resource: "secrets"}
}

// ServerResourcesForGroupVersion lists what the API serves in groupVersion,
// the request of client-go's discovery client (GET /apis/GROUP/VERSION; a
// 404 when it serves none).
func (c *kubeClient) ServerResourcesForGroupVersion(ctx context.Context, groupVersion string) (*metav1.APIResourceList, error) {
	list := &metav1.APIResourceList{}
	err := c.core.Get().AbsPath("/apis", groupVersion).Do(ctx).Into(list)
	return list, err
}

// kubeObjects reads one resource type of one namespace: T is the object,
// L its list.
type kubeObjects[T, L any] struct {
	rc       *rest.RESTClient
	ns       string
	resource string
}

// Get reads the object name.
func (o kubeObjects[T, L]) Get(ctx context.Context, name string, opts metav1.GetOptions) (*T, error) {
	_, params := kubeCodecs()
	out := new(T)
	err := o.rc.Get().Namespace(o.ns).Resource(o.resource).Name(name).
		VersionedParams(&opts, params).Do(ctx).Into(any(out).(runtime.Object))
	return out, err
}

// List lists the objects opts selects.
func (o kubeObjects[T, L]) List(ctx context.Context, opts metav1.ListOptions) (*L, error) {
	_, params := kubeCodecs()
	out := new(L)
	err := o.rc.Get().Namespace(o.ns).Resource(o.resource).
		VersionedParams(&opts, params).Do(ctx).Into(any(out).(runtime.Object))
	return out, err
}

// Watch watches the objects opts selects.
func (o kubeObjects[T, L]) Watch(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
	_, params := kubeCodecs()
	var timeout time.Duration
	if opts.TimeoutSeconds != nil {
		timeout = time.Duration(*opts.TimeoutSeconds) * time.Second
	}
	opts.Watch = true
	return o.rc.Get().Namespace(o.ns).Resource(o.resource).
		VersionedParams(&opts, params).Timeout(timeout).Watch(ctx)
}
