package deploy_test

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/lint"
	"helm.sh/helm/v3/pkg/lint/support"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/driftd/driftd/daemon/config"
)

const chartDir = "helm/driftd"

// valueSets are the values the chart is linted and rendered with: its
// defaults, and a sample with every optional part on.
var valueSets = []struct{ name, file string }{
	{"the default values", ""},
	{"the sample values", "helm/driftd/ci/sample-values.yaml"},
}

func loadValues(t *testing.T, file string) map[string]any {
	t.Helper()
	if file == "" {
		return map[string]any{}
	}
	v, err := chartutil.ReadValuesFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestChartPassesHelmLint(t *testing.T) {
	for _, vs := range valueSets {
		t.Run("with "+vs.name, func(t *testing.T) {
			l := lint.All(chartDir, loadValues(t, vs.file), "wandb", false)
			for _, m := range l.Messages {
				// INFO is advice (e.g. "icon is recommended"); warnings and errors fail.
				if m.Severity > support.InfoSev {
					t.Errorf("helm lint: %s", m)
				}
			}
		})
	}
}

// rendered is the chart's output: every object by "Kind/name".
type rendered map[string][]byte

func render(t *testing.T, valuesFile string) rendered {
	t.Helper()
	files := renderFiles(t, valuesFile)
	out := rendered{}
	for name, body := range files {
		if strings.HasSuffix(name, "NOTES.txt") {
			continue
		}
		for _, doc := range strings.Split(body, "\n---") {
			if strings.TrimSpace(doc) == "" {
				continue
			}
			var head struct {
				Kind     string `json:"kind"`
				Metadata struct {
					Name string `json:"name"`
				} `json:"metadata"`
			}
			if err := sigsyaml.Unmarshal([]byte(doc), &head); err != nil {
				t.Fatalf("%s: %v\n%s", name, err, doc)
			}
			out[head.Kind+"/"+head.Metadata.Name] = []byte(doc)
		}
	}
	return out
}

// renderFiles is Helm's own rendering of the chart: each template's
// output by file name, NOTES.txt included.
func renderFiles(t *testing.T, valuesFile string) map[string]string {
	t.Helper()
	ch, err := loader.Load(chartDir)
	if err != nil {
		t.Fatal(err)
	}
	vals, err := chartutil.ToRenderValues(ch, loadValues(t, valuesFile),
		chartutil.ReleaseOptions{Name: "driftd", Namespace: "wandb", IsInstall: true}, chartutil.DefaultCapabilities)
	if err != nil {
		t.Fatal(err)
	}
	files, err := engine.Render(ch, vals)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestChartNotesSayWhatIsMounted(t *testing.T) {
	tests := []struct {
		values string
		want   []string
	}{
		{"", []string{"/etc/driftd/driftd.yaml", "/etc/wandb/env", "/var/lib/driftd", "No Terraform workspace"}},
		{"helm/driftd/ci/sample-values.yaml", []string{"/etc/driftd-terraform", "the Terraform workspace, read-only (ConfigMap driftd-terraform)",
			"TF_DATA_DIR=/data/driftd/terraform-data", "the keys of Secret driftd-terraform", "the Secrets wandb-global-secret",
			"Role driftd-terraform"}},
	}
	for _, tc := range tests {
		notes := renderFiles(t, tc.values)["driftd/templates/NOTES.txt"]
		for _, want := range tc.want {
			if !strings.Contains(notes, want) {
				t.Errorf("with values %q NOTES.txt lacks %q:\n%s", tc.values, want, notes)
			}
		}
	}
}

// strict decodes a rendered object into its k8s.io/api type, refusing any
// field the type does not have (a typo in a template would pass Helm).
func (r rendered) strict(t *testing.T, key string, into any) {
	t.Helper()
	doc, ok := r[key]
	if !ok {
		t.Fatalf("%s not rendered; have %v", key, r.keys())
	}
	if err := sigsyaml.UnmarshalStrict(doc, into); err != nil {
		t.Fatalf("%s does not decode strictly: %v", key, err)
	}
}

func (r rendered) keys() []string {
	var ks []string
	for k := range r {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func chartEnv(name string) (string, bool) {
	switch name {
	case "ALERTMANAGER_TOKEN", "TF_OKTA_API_TOKEN":
		return "test-" + strings.ToLower(name), true
	case "KUBERNETES_SERVICE_HOST":
		return "10.96.0.1", true
	case "KUBERNETES_SERVICE_PORT":
		return "443", true
	}
	return secretsEnv(name)
}

func TestChartRendersObjectsKubernetesAccepts(t *testing.T) {
	wantKinds := map[string][]string{
		"": {"ConfigMap/driftd", "Deployment/driftd", "PersistentVolumeClaim/driftd-state", "Service/driftd", "ServiceAccount/driftd"},
		"helm/driftd/ci/sample-values.yaml": {"ClusterRole/driftd", "ClusterRoleBinding/driftd", "ConfigMap/driftd", "Deployment/driftd",
			"PersistentVolumeClaim/driftd-state", "PrometheusRule/driftd", "Role/driftd-terraform", "RoleBinding/driftd-terraform",
			"Service/driftd", "ServiceAccount/driftd", "ServiceMonitor/driftd"},
	}
	for _, vs := range valueSets {
		t.Run("with "+vs.name, func(t *testing.T) {
			r := render(t, vs.file)
			if got := strings.Join(r.keys(), " "); got != strings.Join(wantKinds[vs.file], " ") {
				t.Errorf("objects %s\nwant    %s", got, strings.Join(wantKinds[vs.file], " "))
			}
			var cm corev1.ConfigMap
			r.strict(t, "ConfigMap/driftd", &cm)
			cfg, err := config.ParseConfig([]byte(cm.Data["driftd.yaml"]), "/etc/driftd/driftd.yaml", chartEnv)
			if err != nil {
				t.Fatalf("the rendered config fails driftd validate: %v", err)
			}
			var dep appsv1.Deployment
			r.strict(t, "Deployment/driftd", &dep)
			checkDeployment(t, &dep, cfg)
			var sa corev1.ServiceAccount
			r.strict(t, "ServiceAccount/driftd", &sa)
			var svc corev1.Service
			r.strict(t, "Service/driftd", &svc)
			var pvc corev1.PersistentVolumeClaim
			r.strict(t, "PersistentVolumeClaim/driftd-state", &pvc)
			if vs.file == "" {
				return // source: file reads nothing in the cluster: no Role (TestTheDefaultChartGrantsNothingForAFileSource)
			}
			var rules rbacv1.ClusterRole // a Role's fields are a subset
			r.strict(t, "ClusterRole/driftd", &rules)
			checkReadOnly(t, rules.Rules)
			var binding rbacv1.RoleBinding
			r.strict(t, "ClusterRoleBinding/driftd", &binding)
			if binding.Subjects[0].Name != sa.Name || binding.RoleRef.Name != rules.Name {
				t.Errorf("binding %+v does not bind %s to %s", binding, sa.Name, rules.Name)
			}
			checkTerraformRole(t, r)
		})
	}
}

// checkDeployment: the probes, the port and the state volume follow the
// rendered config, so a changed listen address or state_dir cannot break them.
func checkDeployment(t *testing.T, dep *appsv1.Deployment, cfg *config.Config) {
	t.Helper()
	spec := dep.Spec.Template.Spec
	c := spec.Containers[0]
	port := cfg.Server.Listen[strings.LastIndex(cfg.Server.Listen, ":")+1:]
	checks := []struct{ name, got, want string }{
		{"one replica", fmt.Sprint(*dep.Spec.Replicas), "1"},
		{"Recreate, never two on one store", string(dep.Spec.Strategy.Type), "Recreate"},
		{"the container port is config's listen port", fmt.Sprint(c.Ports[0].ContainerPort), port},
		{"liveness on /healthz", c.LivenessProbe.HTTPGet.Path, "/healthz"},
		{"readiness on /readyz", c.ReadinessProbe.HTTPGet.Path, "/readyz"},
		{"the healthcheck URL uses the port", envValue(c.Env, "DRIFTD_HEALTHCHECK_URL"), "http://127.0.0.1:" + port + "/healthz"},
		{"the Secret by reference", c.EnvFrom[0].SecretRef.Name, map[bool]string{true: "driftd-secrets", false: "driftd-credentials"}[cfg.Alertmanager == nil]},
		{"the state volume at state_dir", mountPath(c.VolumeMounts, "state"), cfg.StateDir},
		{"a read-only root", fmt.Sprint(*c.SecurityContext.ReadOnlyRootFilesystem), "true"},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s: got %q, want %q", ch.name, ch.got, ch.want)
		}
	}
	checkWorkspace(t, dep, cfg)
}

// checkWorkspace: every target that runs Terraform has its
// remediation.terraform.dir inside the mounted workspace, Terraform's data
// goes to the writable state volume, and Terraform's credential Secret is
// in the environment remediation.terraform.env reads from.
func checkWorkspace(t *testing.T, dep *appsv1.Deployment, cfg *config.Config) {
	t.Helper()
	c := dep.Spec.Template.Spec.Containers[0]
	ws := mountPath(c.VolumeMounts, "terraform-workspace")
	for _, tg := range cfg.Targets {
		if tg.Remedy.Mode == config.ModeAlert {
			continue
		}
		dir := tg.Remedy.Terraform.Dir
		if ws == "" || (dir != ws && !strings.HasPrefix(dir, ws+"/")) {
			t.Errorf("target %s runs Terraform in %s, but the workspace is mounted at %q", tg.Name, dir, ws)
		}
		if got := envValue(c.Env, "TF_DATA_DIR"); !strings.HasPrefix(got, cfg.StateDir+"/") {
			t.Errorf("TF_DATA_DIR = %q; want it on the state volume %s (the workspace is read-only)", got, cfg.StateDir)
		}
		for name, v := range tg.Remedy.Terraform.Env {
			if name == "OKTA_API_TOKEN" && v.Reveal() != "test-tf_okta_api_token" {
				t.Errorf("Terraform's OKTA_API_TOKEN is not its own credential from terraform.existingSecret")
			}
		}
		if !slices.ContainsFunc(c.EnvFrom, func(e corev1.EnvFromSource) bool { return e.SecretRef != nil && e.SecretRef.Name == "driftd-terraform" }) {
			t.Errorf("Terraform's credential Secret is not in the container's envFrom: %+v", c.EnvFrom)
		}
	}
}

func envValue(env []corev1.EnvVar, name string) string {
	for _, e := range env {
		if e.Name == name {
			return e.Value
		}
	}
	return ""
}

func mountPath(ms []corev1.VolumeMount, name string) string {
	for _, m := range ms {
		if m.Name == name {
			return m.MountPath
		}
	}
	return ""
}

// checkReadOnly: exactly get, list and watch, on what driftd reads.
func checkReadOnly(t *testing.T, rules []rbacv1.PolicyRule) {
	t.Helper()
	var got []string
	for _, r := range rules {
		if strings.Join(r.Verbs, ",") != "get,list,watch" {
			t.Errorf("rule %+v grants more than get, list, watch", r)
		}
		for _, g := range r.APIGroups {
			for _, res := range r.Resources {
				got = append(got, g+"/"+res)
			}
		}
	}
	sort.Strings(got)
	for _, r := range rules {
		if slices.Contains(r.Resources, "secrets") && strings.Join(r.ResourceNames, ",") != "wandb-global-secret,wandb-spec-active" {
			t.Errorf("the Secret rule names %v; want only rbac.secrets and the operator resource's spec-active", r.ResourceNames)
		}
	}
	want := "/configmaps /pods /secrets apps.wandb.com/weightsandbiases apps/deployments"
	if strings.Join(got, " ") != want {
		t.Errorf("resources %v, want %s", got, want)
	}
}

func TestChartAlertingRulesParseWithPrometheusRulefmt(t *testing.T) {
	r := render(t, "helm/driftd/ci/sample-values.yaml")
	var pr struct {
		Spec map[string]any `json:"spec"`
	}
	if err := sigsyaml.Unmarshal(r["PrometheusRule/driftd"], &pr); err != nil {
		t.Fatal(err)
	}
	spec, err := sigsyaml.Marshal(pr.Spec)
	if err != nil {
		t.Fatal(err)
	}
	groups, errs := rulefmt.Parse(spec, false, model.UTF8Validation, parser.NewParser(parser.Options{}), slog.New(slog.DiscardHandler))
	if len(errs) > 0 {
		t.Fatalf("rulefmt: %v\n%s", errs, spec)
	}
	var got []string
	for _, g := range groups.Groups {
		for _, rule := range g.Rules {
			got = append(got, rule.Alert+" on "+metricOf(rule.Expr))
			if rule.Labels["severity"] != "page" {
				t.Errorf("%s: severity %q, want the configured page", rule.Alert, rule.Labels["severity"])
			}
		}
	}
	want := []string{"DriftdTargetDrifting on driftd_target_status", "DriftdTargetError on driftd_target_status",
		"DriftdNoSuccessfulPass on driftd_last_successful_pass_timestamp_seconds", "DriftdAbsent on up", "DriftdOutboxBacklog on driftd_outbox_pending"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("rules\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// metricOf is the first driftd_ (or up) metric an expression reads.
func metricOf(expr string) string {
	for _, f := range strings.FieldsFunc(expr, func(r rune) bool { return !(r == '_' || r >= 'a' && r <= 'z') }) {
		if strings.HasPrefix(f, "driftd_") || f == "up" {
			return f
		}
	}
	return expr
}

func TestChartReadmeAndValuesNameTheSecretKeysConfigUses(t *testing.T) {
	values, err := os.ReadFile(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"OKTA_API_TOKEN", "DRIFTD_TOKEN"} {
		if !strings.Contains(string(values), "--from-literal="+key+"=") {
			t.Errorf("values.yaml does not show how to put %s in the Secret", key)
		}
	}
}

// checkTerraformRole: the opt-in write Role changes only the objects it
// names, and binds to driftd's service account.
func checkTerraformRole(t *testing.T, r rendered) {
	t.Helper()
	var role rbacv1.Role
	r.strict(t, "Role/driftd-terraform", &role)
	if len(role.Rules) != 1 || strings.Join(role.Rules[0].Resources, ",") != "configmaps" ||
		strings.Join(role.Rules[0].ResourceNames, ",") != "wandb-prod-env" || strings.Join(role.Rules[0].Verbs, ",") != "get,patch,update" {
		t.Errorf("the Terraform Role's rules are %+v; want get, patch, update on ConfigMap wandb-prod-env only", role.Rules)
	}
	var binding rbacv1.RoleBinding
	r.strict(t, "RoleBinding/driftd-terraform", &binding)
	if binding.RoleRef.Name != "driftd-terraform" || binding.Subjects[0].Name != "driftd" {
		t.Errorf("the Terraform RoleBinding %+v does not bind driftd to driftd-terraform", binding)
	}
}
