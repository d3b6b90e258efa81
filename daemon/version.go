package daemon

import "runtime/debug"

// Version is set at build time with -ldflags "-X github.com/driftd/driftd/daemon.Version=v1.2.3".
var Version = ""

// BuildVersion is the version stamped at build time, or the module version.
func BuildVersion() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			return v
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "devel-" + s.Value[:12]
			}
		}
	}
	return "devel"
}
