package terraform

import (
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// runsDir holds one record per Terraform process group in progress, so the
// next driftd can end what a killed one left running.
const runsDir = "terraform-runs"

// recordRun notes a started Terraform's process group and start time; the
// record is removed once the group is gone. It is written just after the
// fork (a pid exists only then): a driftd killed in between leaves
// Terraform to die by its parent-death signal, but a provider it already
// started would not be swept. Terraform takes far longer to start a
// provider than driftd takes to write the record.
func (tf *Terraform) recordRun(pid int) (remove func()) {
	dir := filepath.Join(tf.stateDir, runsDir)
	start, ok := processStart(pid)
	if !ok || os.MkdirAll(dir, 0o700) != nil {
		return func() {}
	}
	f := filepath.Join(dir, strconv.Itoa(pid))
	if os.WriteFile(f, []byte(start+"\n"), 0o600) != nil {
		return func() {}
	}
	return func() { _ = os.Remove(f) }
}

// SweepUnfinished ends what runs of an earlier driftd left behind, at
// start-up: every Terraform process group still running (its providers
// outlive a Terraform killed with driftd) and every saved plan and var file.
// Approvals wait in memory only, so no plan of an earlier process can be
// approved any more, and a var file holds the env's credentials.
func SweepUnfinished(stateDir string, log *slog.Logger) {
	records, _ := filepath.Glob(filepath.Join(stateDir, runsDir, "*"))
	for _, rec := range records {
		if pgid, err := strconv.Atoi(filepath.Base(rec)); err == nil && canSweepGroups {
			b, _ := os.ReadFile(rec)
			if killGroup(pgid, strings.TrimSpace(string(b))) {
				log.Warn("killed a Terraform process group an earlier driftd left running", "pgid", pgid)
			}
		}
		_ = os.Remove(rec)
	}
	files, _ := filepath.Glob(filepath.Join(stateDir, "plans", "*", "*"))
	for _, f := range files {
		if fi, err := os.Lstat(f); err == nil && fi.Mode().IsRegular() {
			if os.Remove(f) == nil {
				log.Info("removed a plan file an earlier driftd left", "file", f)
			}
		}
	}
}

// killGroup kills process group pgid unless its leader's pid now belongs
// to another process (a different start time). A group whose leader is
// gone keeps its id while any member lives (the kernel does not reuse it),
// so its remaining members are the ones killed.
func killGroup(pgid int, start string) bool {
	if now, alive := processStart(pgid); alive && now != start {
		return false
	}
	return syscall.Kill(-pgid, syscall.SIGKILL) == nil
}
