package source

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A 200 that is not the object asked for must be a failed read: judged, an
// empty authorization server is "inactive, no policies", which is drift.
func TestSignInReadersRefuseAnswersThatAreNotTheObjectAskedFor(t *testing.T) {
	tests := []struct {
		name    string
		answers []http.HandlerFunc // nil: the simulator answers
	}{
		{"an empty 200 body for an authorization server is a failed read", []http.HandlerFunc{jsonAnswer(200, "")}},
		{"an empty object for an authorization server is a failed read", []http.HandlerFunc{jsonAnswer(200, "{}")}},
		{"a null body for an authorization server is a failed read", []http.HandlerFunc{jsonAnswer(200, "null")}},
		{"another authorization server's answer is a failed read", []http.HandlerFunc{jsonAnswer(200, `{"id":"aus0ther","name":"other","status":"ACTIVE"}`)}},
		{"a null policy in the list is a failed read", []http.HandlerFunc{nil, jsonAnswer(200, "[null]")}},
		{"a null rule in the list is a failed read", []http.HandlerFunc{nil, jsonAnswer(200, `[{"id":"00p1","name":"p","status":"ACTIVE","priority":1}]`), jsonAnswer(200, "[null]")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := startFront(t)
			f.answer(tc.answers...)
			as, err := f.reader(t).AuthServer(context.Background(), "default")
			if err == nil || as != nil {
				t.Fatalf("AuthServer() = %+v, %v; want no server and an error", as, err)
			}
			if !strings.Contains(err.Error(), "reading Okta authorization server default") {
				t.Errorf("error = %q, want it to name the server", err)
			}
		})
	}
}

func TestSignInListReadersRefuseANullEntry(t *testing.T) {
	tests := []struct {
		name string
		read func(r *OktaReader) error
	}{
		{"a null group assignment is a failed read", func(r *OktaReader) error { _, err := r.AppGroups(context.Background(), "0oa1"); return err }},
		{"a null trusted origin is a failed read", func(r *OktaReader) error { _, err := r.TrustedOrigins(context.Background()); return err }},
		{"a null user assignment is a failed read, not an assigned user", func(r *OktaReader) error { _, err := r.AppUserCount(context.Background(), "0oa1"); return err }},
		{"a null group in a lookup is a failed read", func(r *OktaReader) error { _, err := r.ResolveGroup(context.Background(), "Everyone"); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := startFront(t)
			f.answer(jsonAnswer(200, "[null]"))
			if err := tc.read(f.reader(t)); err == nil {
				t.Fatal("no error for a list holding null")
			}
		})
	}
}

// Real Okta answers [] for an empty list; an empty body, {} or null is no
// answer at all, and read as an empty list it would be drift (nothing
// assigned, no trusted origin, no rule).
func TestOktaListReadersRefuseAnAnswerThatIsNoList(t *testing.T) {
	readers := []struct {
		name    string
		answers []http.HandlerFunc // proxied (nil) answers first, then the broken list
		read    func(r *OktaReader) error
	}{
		{"group assignments", nil, func(r *OktaReader) error { _, err := r.AppGroups(context.Background(), "0oa1"); return err }},
		{"trusted origins", nil, func(r *OktaReader) error { _, err := r.TrustedOrigins(context.Background()); return err }},
		{"user assignments", nil, func(r *OktaReader) error { _, err := r.AppUserCount(context.Background(), "0oa1"); return err }},
		{"a group lookup", nil, func(r *OktaReader) error { _, err := r.ResolveGroup(context.Background(), "Everyone"); return err }},
		{"an authorization server's policies", []http.HandlerFunc{nil},
			func(r *OktaReader) error { _, err := r.AuthServer(context.Background(), "default"); return err }},
		{"a policy's rules", []http.HandlerFunc{nil, jsonAnswer(200, `[{"id":"00p1","name":"p","status":"ACTIVE","priority":1}]`)},
			func(r *OktaReader) error { _, err := r.AuthServer(context.Background(), "default"); return err }},
		{"the System Log", nil, func(r *OktaReader) error {
			_, err := r.ReadLog(context.Background(), LogCursor{Since: time.Now().Add(-time.Hour)}, "", 10)
			return err
		}},
	}
	for _, rd := range readers {
		for _, body := range []string{"", "{}", "null"} {
			t.Run(fmt.Sprintf("%s answered %q is a failed read", rd.name, body), func(t *testing.T) {
				f, _ := startFront(t)
				f.answer(append(append([]http.HandlerFunc{}, rd.answers...), jsonAnswer(200, body))...)
				if err := rd.read(f.reader(t)); err == nil {
					t.Fatal("no error")
				}
			})
		}
	}
}
