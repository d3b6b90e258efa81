package source

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Companion is a program of driftd's own that ships beside driftd (the
// release archive and the container image put it next to driftd) instead
// of being linked into it: driftd-helm-render (Helm's packages stay out of
// driftd's start-up) and driftd-demo (the simulators stay out of the
// production binary). Every companion is found the same way (Find).
type Companion struct {
	// Name is its file name, e.g. driftd-helm-render.
	Name string
	// Env is the variable that names it, e.g. DRIFTD_HELM_RENDER.
	Env string
	// Why says what driftd needs it for, in the not-found error.
	Why string
	// Get says how to get it, in the not-found error.
	Get string
}

// ErrCompanionNotFound is what Find's error wraps when the companion is
// neither named in its variable, nor beside driftd, nor on PATH.
var ErrCompanionNotFound = errors.New("not found")

// Find locates the companion of the driftd executable at exe: the file
// named in $Env (which must exist: a named file that is missing is an
// error naming it, never a fall-back to another copy), else the file of
// that name beside exe (where the release archive and the container image
// put it, so a driftd finds its own release's companion first), else PATH.
func (c Companion) Find(exe string) (string, error) {
	if p := os.Getenv(c.Env); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w", c.Env, p, err)
		}
		return p, nil
	}
	var beside string
	if exe != "" {
		beside = filepath.Join(filepath.Dir(exe), c.Name)
		if fileExists(beside) {
			return beside, nil
		}
	}
	if p, err := exec.LookPath(c.Name); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%s %w (not at %s, not on PATH): %s; %s, or name it in %s", c.Name, ErrCompanionNotFound, beside, c.Why, c.Get, c.Env)
}

// FindBesideThisDriftd is Find for the running executable.
func (c Companion) FindBesideThisDriftd() (string, error) {
	exe, _ := os.Executable()
	return c.Find(exe)
}
