package fakeregistry

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
)

// authorized checks the request's credential and, when it is missing or
// wrong, writes the 401 challenge of the configured scheme.
func (r *Registry) authorized(w *recorder, req *http.Request, name string) bool {
	switch r.auth.Scheme {
	case "basic":
		u, p, ok := req.BasicAuth()
		if ok && u == r.auth.Username && p == r.auth.Password {
			return true
		}
		w.header.Set("WWW-Authenticate", `Basic realm="fakeregistry"`)
	case "bearer":
		var tok string
		if _, err := fmt.Sscanf(req.Header.Get("Authorization"), "Bearer %s", &tok); err == nil {
			r.mu.Lock()
			ok := r.tokens[tok]
			r.mu.Unlock()
			if ok {
				return true
			}
		}
		scheme := "http"
		if req.TLS != nil {
			scheme = "https"
		}
		challenge := fmt.Sprintf(`Bearer realm="%s://%s/token",service="fakeregistry"`, scheme, req.Host)
		if name != "" {
			challenge += fmt.Sprintf(`,scope="repository:%s:pull"`, name)
		}
		w.header.Set("WWW-Authenticate", challenge)
	default:
		return true
	}
	writeError(w, http.StatusUnauthorized, "UNAUTHORIZED", "authentication required")
	return false
}

// token is the bearer token endpoint. Wrong credentials get Docker Hub's
// answer, whose text OpenShift looks for (SEMANTICS §8.1).
func (r *Registry) token(w *recorder, req *http.Request) {
	if r.auth.Scheme != "bearer" {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "no token service")
		return
	}
	u, p, ok := req.BasicAuth()
	switch {
	case ok && u == r.auth.Username && p == r.auth.Password:
	case !ok && r.auth.Username == "":
	default:
		w.status = http.StatusUnauthorized
		w.header.Set("Content-Type", "application/json")
		w.body.WriteString(`{"details":"incorrect username or password"}`)
		return
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	tok := hex.EncodeToString(b[:])
	r.mu.Lock()
	r.tokens[tok] = true
	r.mu.Unlock()
	w.header.Set("Content-Type", "application/json")
	_ = json.NewEncoder(&w.body).Encode(map[string]any{"token": tok, "expires_in": 300})
}
