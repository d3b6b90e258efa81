package source

import (
	"fmt"
	"io"
	"os"
	"syscall"
)

// ReadRegularFile reads a regular file of at most limit bytes; anything
// else is refused before a byte is read. The file is opened non-blocking
// and then inspected through its own descriptor (no check-then-open race):
// a named pipe with no writer would otherwise hold open(2) for good, with
// no context to end it, and a device such as /dev/zero never ends.
// driftd reads every local file through it: the config, a key file, an env
// file, a kubeconfig.
func ReadRegularFile(path string, limit int64) ([]byte, error) {
	fh, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than %s", path, size(limit))
	}
	return data, nil
}

// CheckRegularFile refuses a path that is not a regular file, without
// blocking on it, for files another library reads itself.
func CheckRegularFile(path string) error {
	fh, err := openRegular(path)
	if err != nil {
		return err
	}
	return fh.Close()
}

func openRegular(path string) (*os.File, error) {
	fh, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	fi, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, fmt.Errorf("inspecting %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		fh.Close()
		return nil, fmt.Errorf("%s is not a regular file (%s)", path, fileKind(fi.Mode()))
	}
	return fh, nil
}

// fileKind names what a path that is not a regular file is.
func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return m.Type().String()
}
