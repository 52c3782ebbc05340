package fakeregistry

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault changes the responses to matching requests. Faults are checked in
// the order they were injected; the first that matches applies.
type Fault struct {
	// Method selects requests by method; empty matches any.
	Method string
	// Path selects requests whose URL path ends with it; empty matches
	// any.
	Path string
	// Times is how many matching requests the fault applies to; 0 means
	// all of them.
	Times int

	// Delay is waited before answering, or until the client gives up.
	Delay time.Duration
	// Status, when set, replaces the whole response: this status with
	// Header and Body only.
	Status int
	// Header is added to the response (or is the whole header with
	// Status).
	Header http.Header
	// Body replaces the response body; with Status it is the whole body.
	Body []byte
	// ContentType replaces the Content-Type of the normal response.
	ContentType string
	// Digest replaces the Docker-Content-Digest of the normal response.
	Digest string
	// Truncate sends the normal response's length and headers but only
	// half its body, then drops the connection.
	Truncate bool
}

type faultState struct {
	Fault
	used int
}

// Inject adds a fault.
func (r *Registry) Inject(f Fault) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.faults = append(r.faults, &faultState{Fault: f})
}

// fault returns the fault for req and counts its use; r.mu is held.
func (r *Registry) fault(req *http.Request) *faultState {
	for _, f := range r.faults {
		if f.Times > 0 && f.used >= f.Times {
			continue
		}
		if f.Method != "" && f.Method != req.Method {
			continue
		}
		if !strings.HasSuffix(req.URL.Path, f.Path) {
			continue
		}
		f.used++
		return f
	}
	return nil
}

func (f *faultState) apply(w http.ResponseWriter, req *http.Request, rec *recorder) {
	if f.Delay > 0 && !sleep(req, f.Delay) {
		// The client is gone: send nothing rather than an empty 200.
		panic(http.ErrAbortHandler)
	}
	if f.Status != 0 {
		for k, v := range f.Header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(f.Body)))
		w.WriteHeader(f.Status)
		_, _ = w.Write(f.Body)
		return
	}
	for k, v := range f.Header {
		rec.header[k] = v
	}
	if f.ContentType != "" {
		rec.header.Set("Content-Type", f.ContentType)
	}
	if f.Digest != "" {
		rec.header.Set("Docker-Content-Digest", f.Digest)
	}
	if f.Body != nil {
		rec.body.Reset()
		rec.body.Write(f.Body)
	}
	if !f.Truncate {
		rec.writeTo(w)
		return
	}
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(rec.body.Len()))
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes()[:rec.body.Len()/2])
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
	// Aborting the handler makes the server close the connection with
	// the body short of its Content-Length.
	panic(http.ErrAbortHandler)
}
