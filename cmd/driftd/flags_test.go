package main

import (
	"strings"
	"testing"

	"github.com/driftd/driftd/internal/fixture"
)

// cliCase is a command line and what its output must contain.
type cliCase struct {
	name string
	args []string
	want string
}

// expectUsage runs each case's help: exit 0 and the command's own usage.
func expectUsage(t *testing.T, tests []cliCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, tc.args...)
			if code != ExitOK {
				t.Fatalf("exit %d, want 0\n%s%s", code, out, stderr)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("help lacks %q:\n%s", tc.want, out)
			}
			if tc.args[0] != "--help" && strings.Contains(out, "Available Commands") {
				t.Errorf("help shows the command list, not the command's own usage:\n%s", out)
			}
		})
	}
}

// expectRefused runs each case: exit 1, naming what was refused.
func expectRefused(t *testing.T, tests []cliCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, tc.args...)
			if code != ExitError {
				t.Fatalf("exit %d, want 1\n%s%s", code, out, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, stderr)
			}
		})
	}
}

func TestEachCommandsHelpExitsZeroWithItsOwnUsage(t *testing.T) {
	expectUsage(t, []cliCase{
		{"validate --help shows validate's usage", []string{"validate", "--help"}, "driftd validate --config FILE"},
		{"check --help shows check's usage", []string{"check", "--help"}, "driftd check --config FILE [--target NAME] [--output text|json]"},
		{"reconcile -h shows reconcile's usage", []string{"reconcile", "-h"}, "driftd reconcile --config FILE [--target NAME] [--output text|json]"},
		{"serve --help shows serve's usage", []string{"serve", "--help"}, "driftd serve --config FILE"},
		{"slack test --help shows slack test's usage", []string{"slack", "test", "--help"}, "driftd slack test --config FILE [--target NAME]"},
		{"healthcheck --help shows healthcheck's usage", []string{"healthcheck", "--help"}, "driftd healthcheck [--url URL]"},
		{"help check is check --help", []string{"help", "check"}, "driftd check --config FILE"},
		{"--help lists every command", []string{"--help"}, "reconcile   One pass, remediation"},
	})
}

func TestUnknownArgumentsAndFlagsAreRefusedByName(t *testing.T) {
	expectRefused(t, []cliCase{
		{"an extra argument to check is named", []string{"check", "--config", "x.yaml", "prod"}, `unexpected argument "prod"`},
		{"an unknown flag is named", []string{"validate", "--conifg", "x.yaml"}, "unknown flag: --conifg"},
		{"an unknown command is named", []string{"chekc"}, `unknown command "chekc"`},
		{"an unknown help topic is refused", []string{"help", "nope"}, `unknown help topic "nope"`},
		{"an unknown completion shell is refused", []string{"completion", "tcsh"}, `unknown shell "tcsh" for driftd completion: use bash, fish, powershell, zsh`},
		{"completion without a shell is refused", []string{"completion"}, `name a shell: driftd completion`},
		{"a log level driftd does not know is named", []string{"check", "--log-level", "loud"}, `invalid argument "loud" for "--log-level" flag: "loud": use debug, info, warn, error`},
		{"a log format driftd does not know is named", []string{"check", "--log-format", "xml"}, `invalid argument "xml" for "--log-format" flag`},
		{"an output format driftd does not know is named", []string{"check", "--config", "x.yaml", "--output", "yaml"}, `--output "yaml"`},
	})
}

func TestBareDriftdPrintsUsageToStderrAndExits1(t *testing.T) {
	code, out, stderr := runCLI(t)
	if code != ExitError || out != "" || !strings.Contains(stderr, "Available Commands") {
		t.Fatalf("exit %d\nstdout %q\nstderr %s", code, out, stderr)
	}
}

func TestTheEnvironmentSetsFlagsAndAFlagBeatsIt(t *testing.T) {
	f := fixture.New(t, "a", "b")
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		code   int
		output string
	}{
		{"DRIFTD_CONFIG stands in for --config", map[string]string{"DRIFTD_CONFIG": f.Cfg}, []string{"validate"}, 0, "valid (2 targets)"},
		{"--config beats DRIFTD_CONFIG", map[string]string{"DRIFTD_CONFIG": "/nonexistent/driftd.yaml"}, []string{"validate", "--config", f.Cfg}, 0, "valid (2 targets)"},
		{"DRIFTD_OUTPUT=json makes check print JSON", map[string]string{"DRIFTD_CONFIG": f.Cfg, "DRIFTD_OUTPUT": "json"}, []string{"check"}, 0, `"targets": [`},
		{"--output text beats DRIFTD_OUTPUT=json", map[string]string{"DRIFTD_CONFIG": f.Cfg, "DRIFTD_OUTPUT": "json"}, []string{"check", "--output", "text"}, 0, "a: OK"},
		{"DRIFTD_TARGET picks the target", map[string]string{"DRIFTD_CONFIG": f.Cfg, "DRIFTD_TARGET": "zzz"}, []string{"check"}, 1, ""},
		{"--target beats DRIFTD_TARGET", map[string]string{"DRIFTD_CONFIG": f.Cfg, "DRIFTD_TARGET": "zzz"}, []string{"check", "--target", "b"}, 0, "b: OK"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			code, out, stderr := runCLI(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, out, stderr)
			}
			if !strings.Contains(out, tc.output) {
				t.Errorf("output lacks %q:\n%s", tc.output, out)
			}
		})
	}
	t.Run("a bad value in the environment is refused naming the variable", func(t *testing.T) {
		t.Setenv("DRIFTD_LOG_LEVEL", "loud")
		code, _, stderr := runCLI(t, "validate", "--config", f.Cfg)
		if code != ExitError || !strings.Contains(stderr, `DRIFTD_LOG_LEVEL (for --log-level): "loud": use debug`) {
			t.Fatalf("exit %d: %s", code, stderr)
		}
	})
}

func TestLogLevelAndFormat(t *testing.T) {
	f := fixture.New(t, "a")
	tests := []struct {
		name      string
		env       map[string]string
		args      []string
		want, not string
	}{
		{"check logs no debug lines by default", nil, []string{"--log-format", "json"}, "", `"level":"DEBUG"`},
		{"--log-level debug shows check's debug lines", nil, []string{"--log-level", "debug", "--log-format", "json"}, `"level":"DEBUG","msg":"config loaded"`, ""},
		{"DRIFTD_LOG_LEVEL=debug does too", map[string]string{"DRIFTD_LOG_LEVEL": "debug"}, []string{"--log-format", "json"}, `"msg":"pass done"`, ""},
		{"--log-format text logs logfmt", nil, []string{"--log-level", "debug", "--log-format", "text"}, `level=DEBUG msg="config loaded"`, `"level"`},
		{"DRIFTD_LOG_FORMAT=text still logs logfmt", map[string]string{"DRIFTD_LOG_FORMAT": "text"}, []string{"--log-level", "debug"}, `level=DEBUG msg="target done" target=a status=ok`, ""},
		{"--log-level error hides debug lines", map[string]string{"DRIFTD_LOG_LEVEL": "debug"}, []string{"--log-level", "error"}, "", "DEBUG"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			code, out, stderr := runCLI(t, append([]string{"check", "--config", f.Cfg}, tc.args...)...)
			if code != ExitOK {
				t.Fatalf("exit %d\n%s%s", code, out, stderr)
			}
			if tc.want != "" && !strings.Contains(stderr, tc.want) {
				t.Errorf("log lacks %q:\n%s", tc.want, stderr)
			}
			if tc.not != "" && strings.Contains(stderr, tc.not) {
				t.Errorf("log has %q:\n%s", tc.not, stderr)
			}
		})
	}
}

func TestCompletionScriptsForEveryShell(t *testing.T) {
	for shell, want := range map[string]string{
		"bash":       "complete -o default -F __start_driftd driftd",
		"zsh":        "#compdef driftd",
		"fish":       "complete -c driftd",
		"powershell": "Register-ArgumentCompleter -CommandName 'driftd'",
	} {
		t.Run("completion "+shell+" prints a script", func(t *testing.T) {
			code, out, stderr := runCLI(t, "completion", shell)
			if code != ExitOK || !strings.Contains(out, want) {
				t.Fatalf("exit %d, script lacks %q\n%.300s%s", code, want, out, stderr)
			}
		})
	}
	t.Run("the completion script completes check's flags", func(t *testing.T) {
		code, out, _ := runCLI(t, "__complete", "check", "--out")
		if code != ExitOK || !strings.Contains(out, "--output") {
			t.Fatalf("exit %d: %s", code, out)
		}
	})
}
