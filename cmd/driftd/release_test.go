package main

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestTheReleaseScriptBuildsAStaticArchiveWithItsChecksum runs .ci/release
// for this machine's platform (each platform is the same build with another
// GOOS/GOARCH) and checks what a user downloads: the archive's entries, a
// static binary that reports the version, whose `driftd demo` runs the
// driftd-demo beside it, and SHA256SUMS.
func TestTheReleaseScriptBuildsAStaticArchiveWithItsChecksum(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the archive's binary is checked as ELF")
	}
	out := t.TempDir()
	platform := runtime.GOOS + "/" + runtime.GOARCH
	cmd := exec.Command("bash", "../../.ci/release", "v9.8.7-test", out, platform)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf(".ci/release: %v\n%s", err, b)
	}
	name := "driftd_v9.8.7-test_" + runtime.GOOS + "_" + runtime.GOARCH
	archive := filepath.Join(out, name+".tar.gz")
	data, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	sums, err := os.ReadFile(filepath.Join(out, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	if want := hex.EncodeToString(sum[:]) + "  " + name + ".tar.gz\n"; string(sums) != want {
		t.Errorf("SHA256SUMS = %q, want %q", sums, want)
	}

	gz, err := gzip.NewReader(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	entries := map[string]bool{}
	unpacked := t.TempDir()
	bin := filepath.Join(unpacked, "driftd")
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		entries[h.Name] = true
		if h.Name == name+"/driftd" || h.Name == name+"/driftd-demo" {
			f, err := os.OpenFile(filepath.Join(unpacked, filepath.Base(h.Name)), os.O_CREATE|os.O_WRONLY, 0o700)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(f, tr)
			f.Close()
		}
	}
	for _, want := range []string{name + "/driftd", name + "/driftd-helm-render", name + "/driftd-demo", name + "/LICENSE", name + "/README.md"} {
		if !entries[want] {
			t.Errorf("the archive lacks %s: %v", want, entries)
		}
	}
	ef, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer ef.Close()
	for _, p := range ef.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("the binary is dynamically linked (%s)", p.Type)
		}
	}
	v, err := exec.Command(bin, "version").Output()
	if err != nil || strings.TrimSpace(string(v)) != "driftd v9.8.7-test" {
		t.Errorf("driftd version = %q, %v", v, err)
	}
	code, stdout, stderr := runDriftd(t, bin, demoEnv(t), "", "demo", "--help")
	if code != ExitOK || !strings.Contains(stdout, "driftd demo [--keep-running]") {
		t.Errorf("the archive's driftd demo --help: exit %d, want 0 and the usage of the driftd-demo beside it\n%s%s", code, stdout, stderr)
	}
}
