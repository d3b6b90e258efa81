package source

import "testing"

// The cases follow k8s.io/kubernetes v1.37.2
// third_party/forked/golang/expansion/expand_test.go.
var expandCases = []struct {
	name, in, want string
}{
	{name: "a defined variable is replaced", in: "$(ISSUER)/oauth2", want: "https://acme.okta.com/oauth2"},
	{name: "an undefined variable stays as written", in: "$(NOPE)", want: "$(NOPE)"},
	{name: "a doubled dollar is a literal dollar", in: "$$(ISSUER)", want: "$(ISSUER)"},
	{name: "an unterminated reference stays as written", in: "$(ISSUER", want: "$(ISSUER"},
	{name: "a dollar before another character is kept", in: "a$b", want: "a$b"},
	{name: "a trailing dollar is kept", in: "cost$", want: "cost$"},
	{name: "two references are both replaced", in: "$(ISSUER),$(ISSUER)", want: "https://acme.okta.com,https://acme.okta.com"},
	{name: "a doubled dollar before a name is one dollar", in: "f000-$$VAR_A", want: "f000-$VAR_A"},
	{name: "a reference inside a name ends at the first parenthesis", in: "$(VAR_A$(ISSUER))", want: "$(VAR_A$(ISSUER))"},
	{name: "a value is not expanded again", in: "$(REF)", want: "$(ISSUER)"},
}

func TestExpandEnvFollowsTheKubelet(t *testing.T) {
	env := map[string]string{"ISSUER": "https://acme.okta.com", "REF": "$(ISSUER)"}
	for _, tc := range expandCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := expandEnv(tc.in, env); got != tc.want {
				t.Errorf("expandEnv(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
