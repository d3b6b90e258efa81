package kubetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// Access is a ServiceAccount and what RBAC lets it do.
type Access struct {
	// Namespace holds the ServiceAccount and the Role; it is created when
	// missing.
	Namespace string
	// Name names the ServiceAccount, its Role/ClusterRole and bindings.
	Name string
	// Rules are granted in Namespace only, through a Role and RoleBinding.
	Rules []rbacv1.PolicyRule
	// ClusterRules are granted everywhere, through a ClusterRole and
	// ClusterRoleBinding.
	ClusterRules []rbacv1.PolicyRule
}

// User is the name the API server authenticates the ServiceAccount as,
// the one RBAC errors name.
func (a Access) User() string {
	return "system:serviceaccount:" + a.Namespace + ":" + a.Name
}

// ServiceAccountConfig creates the ServiceAccount, Role and bindings that
// a describes, and returns a config that authenticates with a token issued
// for that ServiceAccount (the TokenRequest API, as a pod's projected token
// is). Anything outside its rules is refused with 403 Forbidden by the
// API server's RBAC authorizer. It returns once the rules are in force.
func (s *Server) ServiceAccountConfig(t testing.TB, a Access) *rest.Config {
	t.Helper()
	ctx := t.Context()
	cs := Clientset(t, s.Config)
	if err := createAccess(ctx, cs, a); err != nil {
		t.Fatalf("setting up ServiceAccount %s: %v", a.User(), err)
	}
	expiry := int64(time.Hour / time.Second)
	tr, err := cs.CoreV1().ServiceAccounts(a.Namespace).CreateToken(ctx, a.Name,
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &expiry}},
		metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("requesting a token for ServiceAccount %s: %v", a.User(), err)
	}
	if err := waitForRules(ctx, cs, a); err != nil {
		t.Fatalf("waiting for the RBAC rules of %s to take effect: %v", a.User(), err)
	}
	cfg := rest.AnonymousClientConfig(s.Config)
	cfg.BearerToken = tr.Status.Token
	return cfg
}

// createAccess creates the namespace (unless it exists), the
// ServiceAccount, and a Role/ClusterRole with its binding for each
// non-empty rule list.
func createAccess(ctx context.Context, cs kubernetes.Interface, a Access) error {
	meta := metav1.ObjectMeta{Name: a.Name, Namespace: a.Namespace}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: a.Namespace}}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating namespace %s: %w", a.Namespace, err)
	}
	sa := &corev1.ServiceAccount{ObjectMeta: meta}
	if _, err := cs.CoreV1().ServiceAccounts(a.Namespace).Create(ctx, sa, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("creating the ServiceAccount: %w", err)
	}
	subjects := []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: a.Name, Namespace: a.Namespace}}
	if len(a.Rules) > 0 {
		role := &rbacv1.Role{ObjectMeta: meta, Rules: a.Rules}
		if _, err := cs.RbacV1().Roles(a.Namespace).Create(ctx, role, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("creating the Role: %w", err)
		}
		binding := &rbacv1.RoleBinding{ObjectMeta: meta, Subjects: subjects,
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: a.Name}}
		if _, err := cs.RbacV1().RoleBindings(a.Namespace).Create(ctx, binding, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("creating the RoleBinding: %w", err)
		}
	}
	if len(a.ClusterRules) > 0 {
		clusterMeta := metav1.ObjectMeta{Name: a.Namespace + ":" + a.Name}
		role := &rbacv1.ClusterRole{ObjectMeta: clusterMeta, Rules: a.ClusterRules}
		if _, err := cs.RbacV1().ClusterRoles().Create(ctx, role, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("creating the ClusterRole: %w", err)
		}
		binding := &rbacv1.ClusterRoleBinding{ObjectMeta: clusterMeta, Subjects: subjects,
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: clusterMeta.Name}}
		if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("creating the ClusterRoleBinding: %w", err)
		}
	}
	return nil
}

// waitForRules waits until the authorizer allows the first verb of every
// resource rule: RBAC reads Roles and bindings through informers, so a
// request made right after creating them can still be refused.
func waitForRules(ctx context.Context, cs kubernetes.Interface, a Access) error {
	var reviews []authorizationv1.ResourceAttributes
	add := func(rules []rbacv1.PolicyRule, namespace string) {
		for _, r := range rules {
			if len(r.Verbs) == 0 || len(r.Resources) == 0 {
				continue // non-resource URLs are left unchecked
			}
			attrs := authorizationv1.ResourceAttributes{Namespace: namespace, Verb: r.Verbs[0], Resource: r.Resources[0]}
			if len(r.APIGroups) > 0 {
				attrs.Group = r.APIGroups[0]
			}
			if len(r.ResourceNames) > 0 {
				attrs.Name = r.ResourceNames[0]
			}
			reviews = append(reviews, attrs)
		}
	}
	add(a.Rules, a.Namespace)
	add(a.ClusterRules, "")
	for _, attrs := range reviews {
		review := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
			User:               a.User(),
			Groups:             []string{"system:serviceaccounts", "system:serviceaccounts:" + a.Namespace, "system:authenticated"},
			ResourceAttributes: &attrs,
		}}
		err := wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
			got, err := cs.AuthorizationV1().SubjectAccessReviews().Create(ctx, review, metav1.CreateOptions{})
			if err != nil {
				return false, fmt.Errorf("asking whether %s may %s %s: %w", a.User(), attrs.Verb, attrs.Resource, err)
			}
			return got.Status.Allowed, nil
		})
		if err != nil {
			return fmt.Errorf("%s %s/%s never became allowed: %w", attrs.Verb, attrs.Group, attrs.Resource, err)
		}
	}
	return nil
}
