package helmrender

import (
	"fmt"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"sigs.k8s.io/yaml"
)

// Where Terraform state holds only a chart's values (a helm_release), the
// env W&B's pods get is what Helm renders from them. driftd renders it with
// Helm's own code (helm.sh/helm/v3 pkg/chartutil: dependency conditions and
// aliases, value coalescing; pkg/engine: text/template with sprig, tpl and
// include), over the template lines of W&B's charts that build the env,
// copied verbatim below. The rest of each chart (labels, volumes, other
// services) does not touch the checked env and is left out, so the charts
// here are excerpts, not the published charts; the values they read are
// the published defaults of those keys.

// renderChart renders ch with the user's values the way `helm install`
// does (helm.sh/helm/v3 v3.22.0 pkg/action/install.go: ProcessDependenciesWithMerge,
// ToRenderValues, then the engine), for a release named release in
// namespace default, and returns the rendered documents by template path.
func renderChart(ch *chart.Chart, values map[string]any, release string) (map[string]string, error) {
	if values == nil {
		values = map[string]any{}
	}
	if err := chartutil.ProcessDependenciesWithMerge(ch, values); err != nil {
		return nil, fmt.Errorf("rendering chart %s: %w", ch.Name(), err)
	}
	top, err := chartutil.ToRenderValues(ch, values, chartutil.ReleaseOptions{Name: release, Namespace: "default", IsInstall: true}, nil)
	if err != nil {
		return nil, fmt.Errorf("rendering chart %s: %w", ch.Name(), err)
	}
	out, err := engine.Render(ch, top)
	if err != nil {
		return nil, fmt.Errorf("rendering chart %s: %w", ch.Name(), err)
	}
	return out, nil
}

// chartFile is a chart file from its text.
func chartFile(name, text string) *chart.File {
	return &chart.File{Name: name, Data: []byte(text)}
}

// parsedDefaults parses a chart's values excerpt, which is a constant.
func parsedDefaults(doc string) map[string]any {
	var m map[string]any
	if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
		panic(fmt.Sprintf("chart defaults excerpt does not parse: %v", err))
	}
	return m
}

// renderedDoc parses one rendered manifest as the API server would read it.
// A document that does not parse is one Helm would fail to install.
func renderedDoc(out map[string]string, path string) (map[string]any, bool, error) {
	text, ok := out[path]
	if !ok {
		return nil, false, nil
	}
	doc := map[string]any{}
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		return nil, true, fmt.Errorf("the chart renders %s as invalid YAML, which the install would refuse: %w", path, err)
	}
	return doc, true, nil
}

// configMapData reads a rendered ConfigMap's data, whose values the API
// server accepts only as strings (a null reads as "").
func configMapData(out map[string]string, path string) (map[string]string, error) {
	doc, ok, err := renderedDoc(out, path)
	if err != nil || !ok {
		return nil, err
	}
	raw, _ := doc["data"].(map[string]any)
	data := map[string]string{}
	for k, v := range raw {
		switch t := v.(type) {
		case nil:
			data[k] = ""
		case string:
			data[k] = t
		default:
			return nil, fmt.Errorf("the chart renders %s key %s as a %T, not a string: the API server would refuse the ConfigMap", path, k, v)
		}
	}
	return data, nil
}

// containerEnv reads the `env:` list (Kubernetes EnvVar objects) of the
// container named svc in the rendered list of containers at the given path
// of the document, in order, later names winning as Kubernetes lets the
// last duplicate win. valueFrom entries are left out (only the live cluster
// resolves them); for a key driftd checks that is an error.
func containerEnv(out map[string]string, path string, containers []string, svc string) (map[string]string, error) {
	doc, ok, err := renderedDoc(out, path)
	if err != nil || !ok {
		return nil, err
	}
	var cur any = doc
	for _, step := range containers {
		m, _ := cur.(map[string]any)
		cur = m[step]
	}
	items, _ := cur.([]any)
	var list []any
	for _, item := range items {
		if c, _ := item.(map[string]any); c["name"] == svc {
			list, _ = c["env"].([]any)
		}
	}
	env := map[string]string{}
	for i, item := range list {
		entry, _ := item.(map[string]any)
		name, _ := entry["name"].(string)
		if name == "" {
			return nil, fmt.Errorf("the chart renders the %s container's env entry %d without a name", svc, i)
		}
		if _, ref := entry["valueFrom"]; ref {
			if isCheckedKey(name) {
				return nil, fmt.Errorf("the %s container's %s comes from a valueFrom reference, which only the live cluster can resolve", svc, name)
			}
			delete(env, name)
			continue
		}
		switch v := entry["value"].(type) {
		case nil:
			env[name] = ""
		case string:
			env[name] = v
		default:
			return nil, fmt.Errorf("the chart renders the %s container's %s as a %T; Kubernetes only accepts a string", svc, name, v)
		}
	}
	return env, nil
}

// asMap returns v as a values map; a missing value is an empty map.
func asMap(v any, what string) (map[string]any, error) {
	if v == nil {
		return map[string]any{}, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s is a %T, not a map", what, v)
	}
	return m, nil
}
