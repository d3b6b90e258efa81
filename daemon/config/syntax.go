package config

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	yamlv2 "go.yaml.in/yaml/v2"
)

// parserProblem matches the errors of the YAML parser (as opposed to its
// scanner) as go.yaml.in/yaml/v2 words them (parserc.go,
// yaml_parser_set_parser_error_context), with the line of the problem.
var parserProblem = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^yaml: line ([0-9]+): (did not find expected (<document start>|node content|key|'-' indicator|',' or '\]'|',' or '\}'))$`)
})

// syntaxError words a YAML syntax error with the line the problem is on.
// yaml.v3 reports a parser error at the line where the enclosing block
// began (its fail() prefers the context mark), so an indentation error on
// line 22 read "line 9" (the start of targets:). go.yaml.in/yaml/v2 reports
// the problem's own mark, counted from 0 for parser errors (its fail() adds
// 1 for scanner errors only); scanner errors keep yaml.v3's wording, whose
// line is already the problem's.
func syntaxError(data []byte, v3err error) string {
	msg := strings.TrimPrefix(v3err.Error(), "yaml: ")
	var v any
	err := yamlv2.Unmarshal(data, &v)
	if err == nil {
		return msg
	}
	m := parserProblem().FindStringSubmatch(err.Error())
	if m == nil {
		return msg
	}
	line, _ := strconv.Atoi(m[1])
	return "line " + strconv.Itoa(line+1) + ": " + m[2]
}
