package helmrender

import (
	"fmt"
	"slices"

	"github.com/driftd/driftd/checks"
)

// Protocol is the version of Request and Response. driftd sends it with
// every request, and a program that speaks another version refuses the
// request, so a driftd and a driftd-helm-render from different releases
// fail with a message instead of misreading each other.
const Protocol = 2

// MaxRequestBytes bounds the request read from stdin. W&B's largest values
// (a whole spec as YAML text in one set) are a few KiB.
const MaxRequestBytes = 8 << 20

// Request is what driftd writes to driftd-helm-render's stdin: one
// helm_release as Terraform state records it. The values (set_sensitive
// among them) travel on stdin, never on the command line.
type Request struct {
	Protocol int `json:"protocol"`
	// Chart is empty for a helm_release (the chart is told from its
	// values), or OperatorWandbChart for values the W&B operator applied
	// (its `<name>-spec-active` Secret), which are operator-wandb's.
	Chart  string    `json:"chart,omitempty"`
	Values []string  `json:"values"`
	Sets   []HelmSet `json:"sets"`
}

// OperatorWandbChart names wandb/helm-charts' operator-wandb chart in a
// Request: the values are that chart's, whatever keys they set.
const OperatorWandbChart = "operator-wandb"

// Response is what driftd-helm-render writes to stdout for a request it
// could read. WandbChart is false when the values configure none of W&B's
// charts; Env is then empty and driftd reads the release the generic way.
type Response struct {
	Protocol   int               `json:"protocol"`
	WandbChart bool              `json:"wandb_chart"`
	Env        map[string]string `json:"env,omitempty"`
}

// Derive answers a request: the provider's value merge, then, for values
// of one of W&B's charts, the env that chart renders.
func Derive(req Request) (Response, error) {
	if req.Protocol != Protocol {
		return Response{}, fmt.Errorf("request protocol %d, this driftd-helm-render speaks %d: install the driftd-helm-render of the same release as driftd", req.Protocol, Protocol)
	}
	merged, err := HelmReleaseValues(req.Values, req.Sets)
	if err != nil {
		return Response{}, err
	}
	switch req.Chart {
	case "":
	case OperatorWandbChart:
		env, err := OperatorValuesEnv(merged)
		if err != nil {
			return Response{}, err
		}
		return Response{Protocol: Protocol, WandbChart: true, Env: env}, nil
	default:
		return Response{}, fmt.Errorf("request names chart %q, this driftd-helm-render renders only %q or a helm_release", req.Chart, OperatorWandbChart)
	}
	if !configuresWandbChart(merged) {
		return Response{Protocol: Protocol}, nil
	}
	env, err := releaseEnv(merged)
	if err != nil {
		return Response{}, err
	}
	return Response{Protocol: Protocol, WandbChart: true, Env: env}, nil
}

// configuresWandbChart reports whether merged values are those of W&B's
// wandb-cr chart (spec), operator-wandb chart (global) or legacy wandb
// chart (sso, extraCors, host, a list-shaped extraEnv).
func configuresWandbChart(merged map[string]any) bool {
	_, listEnv := merged["extraEnv"].([]any)
	for _, k := range []string{"spec", "global", "sso", "extraCors", "host"} {
		if merged[k] != nil {
			return true
		}
	}
	return listEnv
}

func isCheckedKey(k string) bool { return slices.Contains(checks.EnvKeys, k) }
