package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// reconcileBody is the body of POST /v1/reconcile.
type reconcileBody struct {
	Target string `json:"target"`
}

const bodyHint = `want {"target": "NAME"} or nothing`

// readTarget reads the reconcile body within a size limit and a deadline,
// so neither a huge nor a never-ending body holds the handler. It returns
// the body, or the status and message to refuse it with.
func (h *handler) readTarget(w http.ResponseWriter, r *http.Request) (reconcileBody, int, string) {
	var body reconcileBody
	// Not every ResponseWriter supports deadlines (a recorder in a test);
	// the size limit still holds there.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(h.bodyTimeout))
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return body, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body larger than %d bytes; %s", maxBody, bodyHint)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return body, http.StatusRequestTimeout, fmt.Sprintf("request body not received within %s", h.bodyTimeout)
	case err != nil:
		return body, http.StatusBadRequest, "reading the request body failed; " + bodyHint
	}
	switch trimmed := bytes.TrimSpace(data); {
	case len(trimmed) == 0:
		return body, 0, ""
	case string(trimmed) == "null":
		// encoding/json decodes null as nothing, which would run every
		// target: only an empty body means that.
		return body, http.StatusBadRequest, "malformed body: the body must be a JSON object, not null; " + bodyHint
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		return body, http.StatusBadRequest, "malformed body: " + plainJSONError(err) + "; " + bodyHint
	}
	if _, err := dec.Token(); err != io.EOF {
		return body, http.StatusBadRequest, "malformed body: more after the JSON object; " + bodyHint
	}
	return body, 0, ""
}

// bodyDeadline bounds how long next may wait for its request's body, as
// readTarget does for /v1/reconcile: a body that never ends (Slack's
// endpoint takes anyone's request before checking its signature) fails
// within the body timeout instead of holding the handler for the
// server's read timeout.
func (h *handler) bodyDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(h.bodyTimeout))
		next.ServeHTTP(w, r)
	})
}

// plainJSONError says what is wrong with a body without encoding/json's Go
// type names ("Go struct field .target of type string").
func plainJSONError(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return fmt.Sprintf("%q must be a string, not a %s", typeErr.Field, typeErr.Value)
	case errors.As(err, &typeErr):
		return fmt.Sprintf("the body must be a JSON object, not a %s", typeErr.Value)
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
		return "not valid JSON"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	}
	return "not a JSON object"
}

// jsonNotFound answers every request the mux has no route for (404, and 405
// with its Allow header) in JSON like the rest of the API.
func jsonNotFound(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		rec := &headerRecorder{header: http.Header{}}
		mux.ServeHTTP(rec, r)
		for _, k := range []string{"Allow", "Location"} {
			if v := rec.header.Get(k); v != "" {
				w.Header().Set(k, v)
			}
		}
		switch rec.status {
		case http.StatusMethodNotAllowed:
			writeError(w, rec.status, fmt.Sprintf("method %s not allowed on %s: use %s", r.Method, r.URL.Path, rec.header.Get("Allow")))
		case http.StatusNotFound, 0:
			writeError(w, http.StatusNotFound, "no such endpoint: "+r.URL.Path)
		default:
			writeError(w, rec.status, strings.ToLower(http.StatusText(rec.status)))
		}
	})
}

// headerRecorder keeps the mux's status and headers and drops its plain
// text body.
type headerRecorder struct {
	header http.Header
	status int
}

func (h *headerRecorder) Header() http.Header { return h.header }

func (h *headerRecorder) WriteHeader(status int) {
	if h.status == 0 {
		h.status = status
	}
}

func (h *headerRecorder) Write(b []byte) (int, error) {
	h.WriteHeader(http.StatusOK)
	return len(b), nil
}
