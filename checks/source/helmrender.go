package source

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// HelmRenderName is the program that renders W&B's charts for a
// helm_release (cmd/driftd-helm-render). Helm's rendering is not linked into
// driftd: its packages (and the Kubernetes scheme, OpenAPI and JSON-schema
// packages they pull in) cost every command 10 ms and 20 MB of start-up,
// and only a Terraform state holding a helm_release needs them.
const HelmRenderName = "driftd-helm-render"

// helmRenderProtocol is internal/helmrender.Protocol: the helper refuses a
// request of another version.
const helmRenderProtocol = 2

var (
	helmRenderTimeout        = 30 * time.Second
	maxHelmRenderBytes int64 = 4 << 20
)

// helmSet is internal/helmrender.HelmSet as JSON: one set, set_list or
// set_sensitive entry of a helm_release.
type helmSet struct {
	Block string   `json:"block,omitempty"`
	Name  string   `json:"name"`
	Value string   `json:"value,omitempty"`
	Type  string   `json:"type,omitempty"`
	List  []string `json:"list,omitempty"`
}

type helmRenderRequest struct {
	Protocol int       `json:"protocol"`
	Chart    string    `json:"chart,omitempty"`
	Values   []string  `json:"values"`
	Sets     []helmSet `json:"sets"`
}

// operatorWandbChart is internal/helmrender.OperatorWandbChart: values the
// W&B operator applied, rendered as operator-wandb's.
const operatorWandbChart = "operator-wandb"

type helmRenderResponse struct {
	Protocol   int               `json:"protocol"`
	WandbChart bool              `json:"wandb_chart"`
	Env        map[string]string `json:"env"`
}

// HelmRender is driftd-helm-render, found as every companion is:
// $DRIFTD_HELM_RENDER, else next to the running driftd executable (where
// the release archive and the container image put it), else PATH.
var HelmRender = Companion{
	Name: HelmRenderName,
	Env:  "DRIFTD_HELM_RENDER",
	Why:  "reading a helm_release renders W&B's chart with it",
	Get: "install it from the same release as driftd, next to driftd " +
		"(go install github.com/driftd/driftd/cmd/" + HelmRenderName + ", or the container image, which ships it)",
}

// FindHelmRender locates driftd-helm-render beside the running driftd.
func FindHelmRender() (string, error) {
	return HelmRender.FindBesideThisDriftd()
}

// renderHelmRelease asks driftd-helm-render for the env of a helm_release.
// The values go on stdin (set_sensitive among them), never on the command
// line; the helper gets no environment, so none of driftd's secrets; it is
// bounded in time (helmRenderTimeout, then its process group is killed) and
// in output (maxHelmRenderBytes of stdout, 64 KiB of stderr, which becomes
// the error).
func renderHelmRelease(ctx context.Context, req helmRenderRequest) (helmRenderResponse, error) {
	bin, err := FindHelmRender()
	if err != nil {
		return helmRenderResponse{}, err
	}
	req.Protocol = helmRenderProtocol
	in, err := json.Marshal(req)
	if err != nil {
		return helmRenderResponse{}, fmt.Errorf("encoding the request to %s: %w", HelmRenderName, err)
	}
	ctx, cancel := context.WithTimeout(ctx, helmRenderTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = []string{}
	cmd.Stdin = bytes.NewReader(in)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	// An answer past the bound is refused as soon as it is: the helper is
	// killed then, not left writing until the timeout.
	stdout := &cappedBuffer{max: maxHelmRenderBytes, onOver: cancel}
	stderr := &cappedBuffer{max: 64 << 10}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err = cmd.Run()
	switch {
	case stdout.over:
		return helmRenderResponse{}, fmt.Errorf("%s wrote more than %s, the most driftd reads", bin, size(maxHelmRenderBytes))
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return helmRenderResponse{}, fmt.Errorf("%s did not finish within %s", bin, helmRenderTimeout)
	case err != nil:
		msg := strings.TrimSpace(stderr.buf.String())
		return helmRenderResponse{}, fmt.Errorf("%s: %w: %s", bin, err, BoundMessage(msg, MaxMessageBytes))
	}
	var resp helmRenderResponse
	if err := json.Unmarshal(stdout.buf.Bytes(), &resp); err != nil {
		return helmRenderResponse{}, fmt.Errorf("decoding the answer of %s: %w", bin, err)
	}
	if resp.Protocol != helmRenderProtocol {
		return helmRenderResponse{}, fmt.Errorf("%s answered protocol %d, driftd speaks %d: install the %s of the same release as driftd", bin, resp.Protocol, helmRenderProtocol, HelmRenderName)
	}
	return resp, nil
}
