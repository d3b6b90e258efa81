package helmrender

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"helm.sh/helm/v3/pkg/strvals"
	"sigs.k8s.io/yaml"
)

// HelmSet is one `set`, `set_list` or `set_sensitive` entry of a
// helm_release as Terraform state records it (hashicorp/terraform-provider-helm
// helm/resource_helm_release.go, setResourceModel / set_listResourceModel).
type HelmSet struct {
	// Block is "set" (also when empty), "set_list" or "set_sensitive".
	Block string `json:"block,omitempty"`
	// Name is the Helm value path, dots separating keys (`global.host`).
	Name string `json:"name"`
	// Value is the set's value as written in the configuration.
	Value string `json:"value,omitempty"`
	// Type is "" or "auto" (strvals infers bools, ints, null), "string" or
	// "literal".
	Type string `json:"type,omitempty"`
	// List holds a set_list entry's values.
	List []string `json:"list,omitempty"`
}

// HelmReleaseEnv derives the W&B backend's env from a helm_release in
// Terraform state: its `values` documents and its set entries, combined the
// way the Helm provider does, then read as the chart they belong to:
//
//   - a `spec` value: W&B's wandb-cr chart (wandb/terraform-helm-wandb,
//     helm_release.wandb, `set { name = "spec", value = yamlencode(var.spec),
//     type = "string" }`), rendered by wandb-cr/templates/operator.yaml as the
//     WeightsAndBiases resource's spec;
//   - a `global` map: the operator-wandb chart installed directly;
//   - `sso`, `extraEnv`, `extraCors` or `host` at the top: the legacy wandb chart.
func HelmReleaseEnv(values []string, sets []HelmSet) (map[string]string, error) {
	merged, err := HelmReleaseValues(values, sets)
	if err != nil {
		return nil, err
	}
	return releaseEnv(merged)
}

// releaseEnv is HelmReleaseEnv of values already merged.
func releaseEnv(merged map[string]any) (map[string]string, error) {
	switch {
	case merged["spec"] != nil:
		return wandbCRChartEnv(merged["spec"])
	case merged["global"] != nil:
		return OperatorValuesEnv(merged)
	case merged["sso"] != nil || merged["extraEnv"] != nil || merged["extraCors"] != nil || merged["host"] != nil:
		return LegacyChartEnv(merged)
	default:
		return nil, fmt.Errorf("deriving env from a helm release: its values set none of spec (W&B operator resource), global (operator-wandb chart) or sso/extraEnv/extraCors/host (legacy wandb chart)")
	}
}

// HelmReleaseValues combines a helm_release's values as
// terraform-provider-helm's getValues does (helm/resource_helm_release.go):
// each `values` document parsed and merged over the previous (mergeMaps: maps
// merge, anything else replaces), then every `set`, then every `set_list`,
// then every `set_sensitive`, each applied with Helm's strvals.
func HelmReleaseValues(values []string, sets []HelmSet) (map[string]any, error) {
	base := map[string]any{}
	for i, doc := range values {
		if doc == "" {
			continue
		}
		current := map[string]any{}
		if err := yaml.Unmarshal([]byte(doc), &current); err != nil {
			return nil, fmt.Errorf("reading helm release values document %d: %w", i, err)
		}
		base = helmProviderMergeMaps(base, current)
	}
	for _, block := range []string{"set", "set_list", "set_sensitive"} {
		for _, s := range sets {
			b := s.Block
			if b == "" {
				b = "set"
			}
			if b != block {
				continue
			}
			if err := applyHelmSet(base, s, block); err != nil {
				return nil, err
			}
		}
	}
	return base, nil
}

// helmProviderMergeMaps is terraform-provider-helm's mergeMaps.
func helmProviderMergeMaps(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if vMap, ok := v.(map[string]any); ok {
			if bv, ok := out[k].(map[string]any); ok {
				out[k] = helmProviderMergeMaps(bv, vMap)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// applyHelmSet is the provider's getValue / getListValue. The error names the
// key but never the value: set_sensitive values are secrets.
func applyHelmSet(base map[string]any, s HelmSet, block string) error {
	var err error
	switch {
	case block == "set_list":
		err = strvals.ParseInto(fmt.Sprintf("%s={%s}", s.Name, strings.Join(s.List, ",")), base)
	case s.Type == "" || s.Type == "auto":
		err = strvals.ParseInto(fmt.Sprintf("%s=%s", s.Name, s.Value), base)
	case s.Type == "string":
		err = strvals.ParseIntoString(fmt.Sprintf("%s=%s", s.Name, s.Value), base)
	case s.Type == "literal":
		var literal any
		if err = yaml.Unmarshal([]byte(fmt.Sprintf("%s: %s", s.Name, s.Value)), &literal); err == nil {
			if m, ok := literal.(map[string]any); ok {
				base[s.Name] = m[s.Name]
			} else {
				base[s.Name] = literal
			}
		}
	default:
		return fmt.Errorf("applying helm release %s %q: unknown type %q", block, s.Name, s.Type)
	}
	if err != nil {
		return fmt.Errorf("applying helm release %s %q: %w", block, s.Name, redactValue(err, s))
	}
	return nil
}

// quotedInError matches the quoted fragments strvals puts in its errors, which
// can be any part of the value (`key "<rest of the value>" has no value`).
var quotedInError = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// redactValue keeps a set's value out of an error: set_sensitive values are
// secrets, and a `spec` value holds the whole W&B configuration.
func redactValue(err error, s HelmSet) error {
	msg := quotedInError.ReplaceAllString(err.Error(), `"[redacted]"`)
	if s.Value != "" {
		msg = strings.ReplaceAll(msg, s.Value, "[redacted]")
	}
	if strings.Contains(s.Value, ",") {
		msg += ` (an unescaped comma ends a Helm set value; write it as "\\,")`
	}
	return errors.New(msg)
}

// wandbCRChartEnv reads the wandb-cr chart's spec value. The chart writes
// `spec: {{ .Values.spec | nindent 2 }}`, so the value must be YAML text (a
// map would print as Go's map[...] and the resource would be refused); that
// text, parsed, is the WeightsAndBiases resource's spec.
func wandbCRChartEnv(raw any) (map[string]string, error) {
	text, ok := raw.(string)
	if !ok {
		return nil, fmt.Errorf("deriving env from the wandb-cr chart: spec is a %T; the chart renders it with nindent and needs the YAML text of yamlencode(var.spec)", raw)
	}
	spec := map[string]any{}
	if err := yaml.Unmarshal([]byte(text), &spec); err != nil {
		return nil, fmt.Errorf("deriving env from the wandb-cr chart: parsing spec as YAML: %w", err)
	}
	return weightsAndBiasesSpecEnv(spec)
}
