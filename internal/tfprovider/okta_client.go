package tfprovider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// oktaCall sends one request to the Okta management API (the simulator's
// base URL, SSWS token) and decodes the JSON answer into out. It returns
// the status code, so callers can treat a 404 as "gone" as the real
// provider does (okta/terraform-provider-okta okta/utils/utils.go
// SuppressErrorOn404).
func oktaCall(ctx context.Context, cfg *clientConfig, method, p string, in, out any) (int, error) {
	if cfg == nil {
		return 0, fmt.Errorf("the provider is not configured")
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, fmt.Errorf("encoding the %s %s body: %w", method, p, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(cfg.oktaURL, "/")+p, body)
	if err != nil {
		return 0, fmt.Errorf("building %s %s: %w", method, p, err)
	}
	req.Header.Set("Authorization", "SSWS "+cfg.oktaToken)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("calling okta %s %s: %w", method, p, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 300 {
		return resp.StatusCode, fmt.Errorf("okta %s %s: %s: %s", method, p, resp.Status, data)
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("decoding okta %s %s: %w", method, p, err)
		}
	}
	return resp.StatusCode, nil
}

// stringsOf returns a list's or set's strings (nil for null or unknown).
func stringsOf(v interface{ Elements() []attr.Value }) []string {
	var out []string
	for _, e := range v.Elements() {
		if s, ok := e.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			out = append(out, s.ValueString())
		}
	}
	return out
}

// setOrNull keeps a set null when the API has nothing and the prior value
// was null, as the SDKv2 providers treat an empty set and an unset one alike.
func setOrNull(prior types.Set, vals []string) types.Set {
	if len(vals) == 0 && prior.IsNull() {
		return prior
	}
	s, _ := types.SetValueFrom(context.Background(), types.StringType, nonNil(vals))
	return s
}

// listOrNull is setOrNull for lists.
func listOrNull(prior types.List, vals []string) types.List {
	if len(vals) == 0 && prior.IsNull() {
		return prior
	}
	l, _ := types.ListValueFrom(context.Background(), types.StringType, nonNil(vals))
	return l
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
