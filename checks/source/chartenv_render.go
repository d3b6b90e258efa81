package source

import (
	"fmt"
	"reflect"
	"strings"

	"sigs.k8s.io/yaml"
)

// The helpers in this file reproduce, for the few expressions W&B's charts use
// to build the app's env, what Helm's template engine and sprig do, so that the
// derivation gives the value the rendered manifest carries, not a guess.

// coalesceValues lays user values over a chart's defaults the way Helm does
// before rendering: maps merge key by key, any other user value replaces the
// default, and a user null removes the default (Helm deletes the key; here
// the null stays, which a template reads the same as a missing key).
// Source: helm/helm v3.22.0 pkg/chartutil/coalesce.go (coalesceTablesFullKey).
// Both arguments are deep-copied first; neither is modified.
func coalesceValues(user, defaults map[string]any) map[string]any {
	dst := deepCopyMap(user)
	src := deepCopyMap(defaults)
	if dst == nil {
		return src
	}
	coalesceInto(dst, src)
	return dst
}

func coalesceInto(dst, src map[string]any) {
	for key, def := range src {
		have, ok := dst[key]
		if !ok {
			dst[key] = def
			continue
		}
		haveMap, haveIsMap := have.(map[string]any)
		defMap, defIsMap := def.(map[string]any)
		if haveIsMap && defIsMap {
			coalesceInto(haveMap, defMap)
		}
	}
}

func deepCopyMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = deepCopyValue(v)
	}
	return out
}

func deepCopyValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return deepCopyMap(t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = deepCopyValue(e)
		}
		return out
	default:
		return v
	}
}

// dig walks nested maps; it returns nil when any step is missing or not a map,
// as a Go template's `.Values.a.b` does on a nil map.
func dig(m map[string]any, path ...string) any {
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[p]
	}
	return cur
}

// truthy is Go text/template's notion of truth for `if`, `and`, `or`, `not`:
// false, 0, nil, and empty strings, maps and slices are false.
// Source: Go text/template exec.go (isTrue).
func truthy(v any) bool {
	if v == nil {
		return false
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return rv.Len() > 0
	case reflect.Bool:
		return rv.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int() != 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return rv.Uint() != 0
	case reflect.Float32, reflect.Float64:
		return rv.Float() != 0
	default:
		return true
	}
}

// tmplPrint is what `{{ .Values.x }}` writes: fmt's %v, with a missing or null
// value written as "" because Helm replaces Go's "<no value>" with "".
// Source: helm/helm v3.22.0 pkg/engine/engine.go (render: strings.ReplaceAll
// of "<no value>").
func tmplPrint(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// sprigToString is sprig's toString/strval: strings as they are, everything
// else through fmt's %v (a float64 1000000 prints as 1e+06, as in Helm).
// Source: Masterminds/sprig v3 strings.go (strval).
func sprigToString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case []byte:
		return string(t)
	case error:
		return t.Error()
	case fmt.Stringer:
		return t.String()
	default:
		return fmt.Sprintf("%v", v)
	}
}

// sprigEmpty is sprig's `empty`, which `compact` uses to drop list items.
// Source: Masterminds/sprig v3 defaults.go (empty).
func sprigEmpty(v any) bool {
	return !truthy(v)
}

// sprigList converts a value to the list sprig's concat accepts; anything that
// is not a slice or array makes concat panic, which Helm reports as a render
// error. Source: Masterminds/sprig v3 list.go (concat).
func sprigList(v any, what string) ([]any, error) {
	if v == nil {
		return nil, nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return nil, fmt.Errorf("%s is a %T, not a list: the chart's concat cannot render it", what, v)
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out, nil
}

// sprigJoin is `join sep list`: nil items are skipped, the rest go through
// strval. Source: Masterminds/sprig v3 strings.go (join, strslice).
func sprigJoin(sep string, items []any) string {
	parts := make([]string, 0, len(items))
	for _, it := range items {
		if it == nil {
			continue
		}
		parts = append(parts, sprigToString(it))
	}
	return strings.Join(parts, sep)
}

// sprigMerge is sprig's `merge dst src...`: keys already in dst win, nested
// maps merge recursively (mergo.Merge without override) and, as mergo does, an
// "empty" dst value ("", false, 0, an empty map) is filled from src while a
// null src value never is.
// Source: Masterminds/sprig v3 dict.go (merge); dario.cat/mergo v1.0.1
// merge.go (deepMerge, map case) and mergo.go (isEmptyValue).
func sprigMerge(maps ...map[string]any) map[string]any {
	out := map[string]any{}
	for _, m := range maps {
		mergeMissing(out, deepCopyMap(m))
	}
	return out
}

func mergeMissing(dst, src map[string]any) {
	for k, v := range src {
		if v == nil {
			continue
		}
		have, ok := dst[k]
		if !ok || sprigEmpty(have) {
			dst[k] = v
			continue
		}
		haveMap, haveIsMap := have.(map[string]any)
		srcMap, srcIsMap := v.(map[string]any)
		if haveIsMap && srcIsMap {
			mergeMissing(haveMap, srcMap)
		}
	}
}

// asMap returns v as a values map; a missing value is an empty map.
func asMap(v any, what string) (map[string]any, error) {
	if v == nil {
		return map[string]any{}, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s is a %T, not a map", what, v)
	}
	return m, nil
}

// manifestScalar is what a manifest line `KEY: <rendered>` (unquoted) holds
// once the API server reads it: the rendered text parsed as YAML. Only a
// string or null (read as "") is valid in ConfigMap data or an env value;
// anything else makes the install fail, so it is an error here too.
func manifestScalar(rendered, what string) (string, error) {
	var v any
	if err := yaml.Unmarshal([]byte("v: "+rendered), &v); err != nil {
		return "", fmt.Errorf("%s renders to %q, which is not valid YAML: %w", what, rendered, err)
	}
	got := v.(map[string]any)["v"]
	switch t := got.(type) {
	case nil:
		return "", nil
	case string:
		return t, nil
	default:
		return "", fmt.Errorf("%s renders to %q, which YAML reads as a %T, not a string: the chart's manifest would be refused", what, rendered, got)
	}
}

// manifestQuoted is what a manifest line `KEY: "<rendered>"` holds: the
// rendered text inside YAML double quotes, where a backslash is an escape.
func manifestQuoted(rendered, what string) (string, error) {
	return manifestScalar(`"`+rendered+`"`, what)
}
