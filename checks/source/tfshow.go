package source

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
)

// showState runs `terraform show -json` in dir, which reads the state
// without refreshing it. Unlike tfexec's Show, which buffers the whole
// output, it is bounded: in time (showTimeout, then the process group is
// killed) and in size (maxShowBytes of stdout, 64 KiB of stderr kept).
func showState(ctx context.Context, bin, dir string, env []string) (*tfjson.State, error) {
	ctx, cancel := context.WithTimeout(ctx, showTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "show", "-json", "-no-color")
	cmd.Dir = dir
	cmd.Env = env // TerraformEnviron
	// Its own process group, so a timeout also ends the children it started
	// (providers, a wrapper script's subprocesses).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	stdout := &cappedBuffer{max: maxShowBytes}
	stderr := &cappedBuffer{max: 64 << 10}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Run()
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		return nil, fmt.Errorf("terraform show did not finish within %s", showTimeout)
	case err != nil:
		msg := strings.TrimSpace(stderr.buf.String())
		return nil, fmt.Errorf("terraform show: %w: %s", err, BoundMessage(msg, MaxMessageBytes))
	case stdout.over:
		return nil, fmt.Errorf("terraform show -json output is larger than %s, the most driftd reads", size(maxShowBytes))
	}
	var state tfjson.State
	state.UseJSONNumber(true)
	dec := json.NewDecoder(bytes.NewReader(stdout.buf.Bytes()))
	dec.UseNumber()
	if err := dec.Decode(&state); err != nil {
		return nil, fmt.Errorf("decoding terraform show -json: %w", err)
	}
	if err := state.Validate(); err != nil {
		return nil, fmt.Errorf("terraform show -json: %w", err)
	}
	return &state, nil
}

// cappedBuffer keeps the first max bytes written and discards the rest, so
// the writer never blocks or fails the command and memory stays bounded.
type cappedBuffer struct {
	buf  bytes.Buffer
	max  int64
	over bool
	// onOver, when set, is called once, at the first write past max: a
	// caller that has read all it will read stops the writer there.
	onOver func()
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if room := c.max - int64(c.buf.Len()); room < int64(len(p)) {
		if !c.over && c.onOver != nil {
			c.onOver()
		}
		c.over = true
		if room > 0 {
			c.buf.Write(p[:room])
		}
		return len(p), nil
	}
	return c.buf.Write(p)
}
