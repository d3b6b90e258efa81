package api

import (
	"bytes"
	"crypto/subtle"
	"embed"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"time"
)

// The status page's templates and stylesheet ship inside the binary; there
// is no front-end build step.
//
//go:embed ui
var uiFiles embed.FS

// ui is the read-only status page at /, behind the API's token: a login
// form trades the token for a session cookie.
type ui struct {
	b        Backend
	enabled  func() bool
	sessions *sessions
	throttle *loginThrottle
	// tmpl is never executed itself: each answer executes a clone whose
	// "when" knows that answer's now (html/template clones only templates
	// that have not run).
	tmpl *template.Template
	now  func() time.Time
}

func newUI(b Backend, enabled func() bool, throttle *loginThrottle) *ui {
	tmpl := template.Must(template.New("").Funcs(pageFuncs).ParseFS(uiFiles, "ui/*.html"))
	return &ui{b: b, enabled: enabled, sessions: newSessions(), throttle: throttle, tmpl: tmpl, now: time.Now}
}

// mount adds the page's routes; bounded bounds the login form's body.
func (u *ui) mount(mux *http.ServeMux, bounded func(http.Handler) http.Handler) {
	mux.Handle("GET /{$}", u.guard(http.HandlerFunc(u.page)))
	mux.Handle("GET /login", u.guard(http.HandlerFunc(u.loginForm)))
	mux.Handle("POST /login", bounded(u.guard(http.HandlerFunc(u.login))))
	mux.Handle("POST /logout", u.guard(http.HandlerFunc(u.logout)))
	mux.Handle("GET /static/{file}", u.guard(http.HandlerFunc(u.asset)))
}

// asset serves an embedded static file; a missing one is the API's JSON 404.
func (u *ui) asset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	data, err := fs.ReadFile(uiFiles, "ui/static/"+name)
	if err != nil {
		writeError(w, http.StatusNotFound, "no such endpoint: "+r.URL.Path)
		return
	}
	w.Header().Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
	_, _ = w.Write(data)
}

// guard hides the page when server.ui is false (a JSON 404, as for any
// other unknown path) and sets the headers every page carries: a policy
// that runs no script at all and no framing.
func (u *ui) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !u.enabled() {
			writeError(w, http.StatusNotFound, "no such endpoint: "+r.URL.Path)
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		// Not no-referrer: under it Chromium sends "Origin: null" with the
		// login form's POST (Fetch, "serializing a request origin"), and
		// the Origin check would refuse our own form.
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// loggedIn says whether the request carries a live session.
func (u *ui) loggedIn(r *http.Request) bool {
	c, err := r.Cookie(sessionCookie)
	return err == nil && u.sessions.valid(c.Value, u.b.Token())
}

func (u *ui) page(w http.ResponseWriter, r *http.Request) {
	if !u.loggedIn(r) {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	now := u.now()
	data, err := buildPage(r.Context(), u.b, now)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "reading the store failed")
		return
	}
	u.render(w, http.StatusOK, "page.html", data)
}

func (u *ui) loginForm(w http.ResponseWriter, r *http.Request) {
	if u.loggedIn(r) {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	u.render(w, http.StatusOK, "login.html", loginData{})
}

// loginData is what the login form shows.
type loginData struct{ Problem string }

func (u *ui) login(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		writeError(w, http.StatusForbidden, "cross-site login refused: the Origin header names another host")
		return
	}
	client := clientOf(r)
	if u.throttle.refuseThrottled(w, client) {
		return
	}
	// Counted as wrong until shown right: logins held open on a slow body
	// use up the client's guesses before any is read.
	refund := u.throttle.charge(client)
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		u.render(w, http.StatusBadRequest, "login.html", loginData{Problem: "The form could not be read; try again."})
		return
	}
	got, want := r.PostForm.Get("token"), u.b.Token()
	if got == "" || want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		u.render(w, http.StatusUnauthorized, "login.html", loginData{Problem: "That is not the server token."})
		return
	}
	refund()
	setSessionCookie(w, r, u.sessions.create(want), int(sessionTTL/time.Second))
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (u *ui) logout(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		writeError(w, http.StatusForbidden, "cross-site logout refused: the Origin header names another host")
		return
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		u.sessions.end(c.Value)
	}
	setSessionCookie(w, r, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// render executes a template into memory first, so a template error is a
// clean 500 rather than half a page.
func (u *ui) render(w http.ResponseWriter, status int, name string, data any) {
	now := u.now()
	if p, ok := data.(pageData); ok {
		now = p.Now
	}
	tmpl, err := u.tmpl.Clone()
	if err != nil {
		writeError(w, http.StatusInternalServerError, "rendering the page failed")
		return
	}
	tmpl.Funcs(template.FuncMap{"when": func(t time.Time) template.HTML { return stampHTML(t, now) }})
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		writeError(w, http.StatusInternalServerError, "rendering the page failed")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}
