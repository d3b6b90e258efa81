package source

import (
	"context"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// A variable whose value the kubelet takes from the pod itself (fieldRef,
// resourceFieldRef, or fileKeyRef: a file an init container writes; k8s.io/api
// v0.37.1 core/v1 types.go, EnvVarSource) cannot be read from the API. The
// kubelet sets it after envFrom, so it also overrides a ConfigMap's value of
// the same name, and a later $(NAME) expands to it (types.go, EnvVar.Value:
// "Variable references $(VAR_NAME) are expanded using the previously defined
// environment variables in the container"). Leaving the variable out, or
// keeping the ConfigMap's value, reported a value the pods do not run.
func TestACheckedVariableTheKubeletTakesFromThePodIsAFailedReadNotDrift(t *testing.T) {
	k := startKube(t)
	k.configMap(t, "wandb-env", map[string]string{"OIDC_ISSUER": "https://acme.okta.com", "OIDC_CLIENT_ID": "0oaconfigmap"})
	fromCM := []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-env"}}}}
	annotation := &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.annotations['wandb.com/issuer']"}}
	file := &corev1.EnvVarSource{FileKeyRef: &corev1.FileKeySelector{VolumeName: "oidc", Path: "oidc.env", Key: "CLIENT_ID"}}
	tests := []struct {
		name   string
		env    []corev1.EnvVar
		naming []string
	}{
		{"a checked variable from a fieldRef overrides the ConfigMap's", []corev1.EnvVar{{Name: "OIDC_ISSUER", ValueFrom: annotation}},
			[]string{"OIDC_ISSUER", "fieldRef", "metadata.annotations['wandb.com/issuer']"}},
		{"a checked variable from a fileKeyRef", []corev1.EnvVar{{Name: "OIDC_CLIENT_ID", ValueFrom: file}},
			[]string{"OIDC_CLIENT_ID", "fileKeyRef", "oidc.env"}},
		{"a checked literal built from a fieldRef variable", []corev1.EnvVar{{Name: "ISSUER_HOST", ValueFrom: annotation}, literal("OIDC_ISSUER", "https://$(ISSUER_HOST)")},
			[]string{"OIDC_ISSUER", "$(ISSUER_HOST)", "fieldRef"}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name := "wandb-app-" + string(rune('a'+i))
			labels := map[string]string{"app": name}
			d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: appsv1.DeploymentSpec{
				Selector: &metav1.LabelSelector{MatchLabels: labels},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: corev1.PodSpec{
					Containers: []corev1.Container{container("app", fromCM, tc.env...)},
					Volumes:    []corev1.Volume{{Name: "oidc", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
				}},
			}}
			k.must(t, "creating deployment "+name, func(ctx context.Context) error {
				_, err := k.cs.AppsV1().Deployments(kubeNS).Create(ctx, d, metav1.CreateOptions{})
				return err
			})
			env, err := k.reader(name).Env(t.Context())
			if err == nil {
				t.Fatalf("read %q, want a failed read naming the variable and where the pod takes it from", env.Vars)
			}
			for _, want := range tc.naming {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not name %s", err, want)
				}
			}
		})
	}
}
