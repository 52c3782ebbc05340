package importer

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"golang.org/x/sync/singleflight"
	"oras.land/oras-go/v2/registry"
	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/auth"
	"oras.land/oras-go/v2/registry/remote/retry"
)

// transports returns the secure and insecure base transports of opts.
func transports(opts Options) (secure, insecure http.RoundTripper) {
	secure = opts.Transport
	if secure == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		// Keep a connection per concurrent fetch: the default of two
		// idle connections per host would reconnect (and redo TLS) for
		// most requests of a parallel import.
		t.MaxIdleConnsPerHost = 2 * opts.Concurrency
		secure = t
	}
	insecure = opts.InsecureTransport
	if insecure == nil {
		insecure = secure
		if t, ok := secure.(*http.Transport); ok {
			t = t.Clone()
			if t.TLSClientConfig == nil {
				t.TLSClientConfig = &tls.Config{}
			}
			t.TLSClientConfig.InsecureSkipVerify = true
			insecure = t
		}
	}
	return secure, insecure
}

// errRedirectToHTTP is wrapped when a registry reached over HTTPS
// redirects a secure import to plain HTTP.
var errRedirectToHTTP = errors.New("refusing a redirect from HTTPS to plain HTTP")

// newHTTPClient wraps base in oras' retrying transport and bounds
// redirects. Unless insecure, it refuses to leave HTTPS for plain HTTP:
// TLS is on unless an import opts out (importPolicy.insecure), and
// content fetched without it, a manifest by tag above all, could have
// been changed on the way.
func newHTTPClient(base http.RoundTripper, policy retry.Policy, insecure bool) *http.Client {
	return &http.Client{
		Transport: &retry.Transport{Base: detailsTransport{base}, Policy: func() retry.Policy { return policy }},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= MaxRedirects {
				return fmt.Errorf("stopped after %d redirects", MaxRedirects)
			}
			tls := func(r *http.Request) bool { return r.URL.Scheme == "https" }
			if !insecure && !tls(req) && slices.ContainsFunc(via, tls) {
				// Hosts only: a URL may carry credentials in its
				// user info or query.
				return fmt.Errorf("%w (%s to %s)", errRedirectToHTTP, via[len(via)-1].URL.Host, req.URL.Host)
			}
			return nil
		},
	}
}

// detailsTransport rewrites the body of a 401 in Docker Hub's token
// server style, {"details": "incorrect username or password"}, into the
// distribution error format oras decodes, so that the text reaches the
// status: OpenShift reports it specially and retries anonymously on it
// (SEMANTICS §8.1, §8.11).
type detailsTransport struct{ base http.RoundTripper }

// maxErrorBody bounds the error bodies read; registries send a few
// hundred bytes.
const maxErrorBody = 8 << 10

func (t detailsTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if rerr != nil {
		return resp, nil
	}
	var hub struct {
		Details string          `json:"details"`
		Errors  json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(body, &hub) != nil || hub.Details == "" || hub.Errors != nil {
		return resp, nil
	}
	fixed, _ := json.Marshal(map[string]any{"errors": []map[string]string{{"code": "UNAUTHORIZED", "message": hub.Details}}})
	resp.Body = io.NopCloser(bytes.NewReader(fixed))
	resp.ContentLength = int64(len(fixed))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// retryPolicy is OpenShift's retry rule (SEMANTICS §8.11): a fixed
// number of extra attempts for temporary failures only, waiting 1 s after
// a timeout or reset connection, 2 s after a 429 and 5 s after a 500,
// 502, 503 or 504, unless the registry's Retry-After says otherwise.
// Waits are capped by maxWait.
type retryPolicy struct {
	retries int
	maxWait time.Duration
}

// Retry implements retry.Policy.
func (p *retryPolicy) Retry(attempt int, resp *http.Response, err error) (time.Duration, error) {
	if attempt >= p.retries {
		return -1, nil
	}
	var wait time.Duration
	switch {
	case err != nil:
		if !temporary(err) {
			return -1, err
		}
		wait = time.Second
	case resp.StatusCode == http.StatusTooManyRequests:
		wait = retryAfter(resp, 2*time.Second)
	case resp.StatusCode == http.StatusInternalServerError, resp.StatusCode == http.StatusBadGateway,
		resp.StatusCode == http.StatusServiceUnavailable, resp.StatusCode == http.StatusGatewayTimeout:
		wait = retryAfter(resp, 5*time.Second)
	default:
		return -1, nil
	}
	return min(wait, p.maxWait), nil
}

// temporary reports transport errors worth another attempt. A canceled
// or expired context is not: the retry would fail the same way.
func temporary(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		return true
	}
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF)
}

// retryAfter returns the wait a Retry-After header asks for, in seconds
// or as an HTTP date, or def when there is none or it is unusable.
func retryAfter(resp *http.Response, def time.Duration) time.Duration {
	v := resp.Header.Get("Retry-After")
	if v == "" {
		return def
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return def
		}
		return time.Duration(min(n, 1<<30)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return def
}

// session is the state of one Import: credentials, one auth client (with
// its token cache) per registry and credential, the scheme of insecure
// registries, and a cache of what was fetched by digest. Nothing outlives
// the import, so credentials of one namespace never serve another.
type session struct {
	imp    *Importer
	kr     *keyring
	redact *redactor // scrubs the import's credentials from statuses
	now    time.Time

	flight singleflight.Group

	// fetches limits the top-level fetches of the import (RateLimits).
	fetches *limiter

	mu         sync.Mutex // guards the maps below
	clients    map[clientKey]*auth.Client
	done       map[string]onceResult // results of once, by key
	repoLimits map[string]*limiter   // by target.repoKey
}

type clientKey struct {
	host     string
	insecure bool
	cred     credential
}

type onceResult struct {
	v   any
	err error
}

func (imp *Importer) newSession(kr *keyring) *session {
	s := &session{
		imp:        imp,
		kr:         kr,
		now:        imp.opts.Now(),
		fetches:    newLimiter(imp.clock, imp.opts.RateLimits.ImportQPS, imp.opts.RateLimits.ImportBurst),
		clients:    map[clientKey]*auth.Client{},
		done:       map[string]onceResult{},
		repoLimits: map[string]*limiter{},
		redact:     &redactor{},
	}
	s.redact.add(kr.secrets...)
	return s
}

// once runs fn for key and keeps its result for the session; concurrent
// callers wait for the one running and get its result. fn runs under the ctx of
// the caller that starts it, so a failure while that ctx has ended is not
// kept: it may be only that caller's, as when a PreserveOriginal list
// cancels its other fetches after one child failed, and another tag must
// not inherit it (SEMANTICS §8.4). A waiter whose ctx is live then runs fn
// itself. Detaching fn from its caller (context.WithoutCancel) would
// spare the retry but keep a canceled import waiting on rate limits and
// fetches nobody needs.
func (s *session) once(ctx context.Context, key string, fn func(context.Context) (any, error)) (any, error) {
	for {
		s.mu.Lock()
		r, ok := s.done[key]
		s.mu.Unlock()
		if ok {
			return r.v, r.err
		}
		v, err, _ := s.flight.Do(key, func() (any, error) {
			s.mu.Lock()
			r, ok := s.done[key]
			s.mu.Unlock()
			if ok {
				return r.v, r.err
			}
			v, err := fn(ctx)
			if err == nil || ctx.Err() == nil {
				s.mu.Lock()
				s.done[key] = onceResult{v, err}
				s.mu.Unlock()
			}
			return v, err
		})
		if err == nil || ctx.Err() != nil {
			return v, err
		}
		s.mu.Lock()
		_, kept := s.done[key]
		s.mu.Unlock()
		if kept {
			return v, err
		}
	}
}

// authClient returns the client for host with cred, shared by every
// repository of the import that uses the same credential so that tokens
// are reused per registry and scope.
func (s *session) authClient(host string, insecure bool, cred credential) *auth.Client {
	k := clientKey{host: host, insecure: insecure, cred: cred}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.clients[k]; ok {
		return c
	}
	hc := s.imp.secure
	if insecure {
		hc = s.imp.insecure
	}
	c := &auth.Client{
		Client: hc,
		Header: http.Header{"User-Agent": {s.imp.opts.UserAgent}},
		Cache:  tokenRecorder{Cache: auth.NewCache(), redact: s.redact},
		// oras asks for the credential of the host it talks to; the
		// keyring already chose one for this repository, so answer only
		// for its registry.
		Credential: func(_ context.Context, hostport string) (auth.Credential, error) {
			if cred.empty() || hostport != host {
				return auth.EmptyCredential, nil
			}
			return auth.Credential{Username: cred.username, Password: cred.password}, nil
		},
	}
	s.clients[k] = c
	return c
}

// tokenRecorder is an auth.Cache that hands every token it stores, bearer
// or basic, to the redactor: a registry may echo the Authorization
// header it was sent.
type tokenRecorder struct {
	auth.Cache
	redact *redactor // scrubs the import's credentials from statuses
}

func (c tokenRecorder) Set(ctx context.Context, registry string, scheme auth.Scheme, key string, fetch func(context.Context) (string, error)) (string, error) {
	return c.Cache.Set(ctx, registry, scheme, key, func(ctx context.Context) (string, error) {
		tok, err := fetch(ctx)
		if err == nil {
			c.redact.add(tok)
		}
		return tok, err
	})
}

// repository returns the oras repository for t, with the credential the
// keyring picks for it (SEMANTICS §8.7). For insecure targets it first
// finds out whether the registry speaks HTTPS or only HTTP.
func (s *session) repository(ctx context.Context, t target) (*remote.Repository, error) {
	host := t.def.AsV2().Registry
	// The kubelet keyring is asked about the whole pull spec, tag or
	// digest included (SEMANTICS §8.7 step 4).
	cred := s.kr.lookup(t.def.String())
	plain := false
	if t.insecure {
		var err error
		if plain, err = s.plainHTTP(ctx, host); err != nil {
			return nil, err
		}
	}
	return &remote.Repository{
		Client:             manifestErrors{Client: s.authClient(host, t.insecure, cred), path: "/v2/" + t.def.RepositoryName() + "/manifests/"},
		Reference:          registry.Reference{Registry: host, Repository: t.def.RepositoryName()},
		PlainHTTP:          plain,
		ManifestMediaTypes: image.ManifestMediaTypes(),
		MaxMetadataBytes:   MaxManifestBytes,
		TagListMaxPages:    maxTagPages,
		SkipReferrersGC:    true,
	}, nil
}

// maxTagPages bounds tag-list pagination, so that a misbehaving registry
// cannot make a repository import page forever.
const maxTagPages = 1000

// plainHTTP reports whether an insecure registry must be reached over
// plain HTTP: it is when HTTPS fails at the transport level and HTTP
// answers, as OpenShift's ping falls back (SEMANTICS §8.11). The answer is
// cached for the session.
func (s *session) plainHTTP(ctx context.Context, host string) (bool, error) {
	v, err := s.once(ctx, "ping\x00"+host, func(ctx context.Context) (any, error) {
		ctx, cancel := context.WithTimeout(ctx, s.imp.opts.Timeout)
		defer cancel()
		errTLS := s.ping(ctx, "https", host)
		if errTLS == nil {
			return false, nil
		}
		if ctx.Err() != nil {
			return false, errTLS
		}
		if err := s.ping(ctx, "http", host); err != nil {
			return false, errTLS
		}
		s.imp.log.DebugContext(ctx, "registry answers over plain HTTP", "registry", host)
		return true, nil
	})
	if err != nil {
		return false, err
	}
	return v.(bool), nil
}

// ping sends GET /v2/; any HTTP response counts as an answer.
func (s *session) ping(ctx context.Context, scheme, host string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, scheme+"://"+host+"/v2/", nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", s.imp.opts.UserAgent)
	resp, err := s.imp.insecure.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.Body.Close()
}
