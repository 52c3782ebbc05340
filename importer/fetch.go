package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/imagestreams/imagestreams/image"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"golang.org/x/sync/errgroup"
	"oras.land/oras-go/v2/errdef"
	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/errcode"
)

// errNestedList is returned for a manifest list whose chosen child is a
// list again; OpenShift would fail on it too, and following such chains
// would let a registry make the importer recurse.
var errNestedList = errors.New("manifest list entry is itself a manifest list")

// run performs one request: fetch the tag or digest from the first pull
// source that has it, then import the image, or for a manifest list the
// child a Legacy import picks or the list and all its children for
// PreserveOriginal (SEMANTICS §8.4, §8.5). Everything after the manifest
// comes from the source that served it. A request no source may serve
// ends with neither image nor error, which OpenShift reports as an
// unknown error (SEMANTICS §8.2).
func (s *session) run(ctx context.Context, r *request) outcome {
	switch r.mode {
	case "", image.ImportModeLegacy, image.ImportModePreserveOriginal:
	default:
		return outcome{err: fmt.Errorf("invalid import mode %q: valid ImportMode values are Legacy or PreserveOriginal", r.mode)}
	}
	if err := s.fetches.wait(ctx); err != nil {
		return outcome{err: err}
	}
	ref := r.tag
	if r.dgst != "" {
		ref = r.dgst.String()
	}
	src, repo, m, err := s.fetchFromSources(ctx, r.target, ref, r.dgst)
	if err != nil || m == nil {
		return outcome{err: err}
	}
	if !m.IsList() {
		img, err := s.buildImage(ctx, repo, src, m, r.dgst)
		return outcome{img: img, err: err}
	}
	if r.mode == image.ImportModePreserveOriginal {
		return s.preserveList(ctx, repo, src, r, m)
	}
	os, arch := r.preferOS, r.preferArch
	if os == "" {
		os = s.imp.opts.ControlPlaneOS
	}
	if arch == "" {
		arch = s.imp.opts.ControlPlaneArch
	}
	i, err := image.SelectManifest(m.Index.Manifests, os, arch)
	if err != nil {
		return outcome{err: err}
	}
	img, err := s.child(ctx, repo, src, m.Index.Manifests[i].Digest)
	return outcome{img: img, err: err}
}

// fetchFromSources fetches the manifest ref of t from its pull sources
// in order — mirrors, then t itself (SEMANTICS §8.5) — and returns the
// first success with the source that served it. One failing source gives
// its error, several an aggregate of all; no source at all gives no
// manifest and no error.
func (s *session) fetchFromSources(ctx context.Context, t target, ref string, expected digest.Digest) (target, *remote.Repository, *image.Manifest, error) {
	var errs []error
	for _, src := range s.imp.regs.sources(t, expected != "") {
		repo, err := s.repository(ctx, src)
		if err == nil {
			var m *image.Manifest
			if m, err = s.fetchManifest(ctx, repo, src, ref, expected); err == nil {
				return src, repo, m, nil
			}
		}
		if ctx.Err() != nil {
			return t, nil, nil, err
		}
		errs = append(errs, err)
	}
	switch len(errs) {
	case 0:
		return t, nil, nil, nil
	case 1:
		return t, nil, nil, errs[0]
	}
	return t, nil, nil, &aggregateError{errs: errs}
}

// preserveList imports a list as an Image and every child by digest; any
// child failing fails the whole request (SEMANTICS §8.4), and so does a
// list longer than Options.MaxListChildren.
func (s *session) preserveList(ctx context.Context, repo *remote.Repository, t target, r *request, m *image.Manifest) outcome {
	if limit, n := s.imp.opts.MaxListChildren, len(m.Index.Manifests); limit > 0 && n > limit {
		return outcome{err: fmt.Errorf("manifest list %s has %d children, more than %d: %w", m.Digest, n, limit, ErrTooLarge)}
	}
	list, err := m.BuildImage(nil, r.dgst, s.now)
	if err != nil {
		return outcome{err: err}
	}
	children := make([]*image.Image, len(m.Index.Manifests))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.imp.opts.Concurrency)
	for i, d := range m.Index.Manifests {
		g.Go(func() error {
			img, err := s.child(gctx, repo, t, d.Digest)
			children[i] = img
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return outcome{err: err}
	}
	return outcome{img: list, manifests: children}
}

// child imports the image manifest d of repository t, once per session.
func (s *session) child(ctx context.Context, repo *remote.Repository, t target, d digest.Digest) (*image.Image, error) {
	v, err := s.once(ctx, "manifest\x00"+t.repoKey()+"\x00"+d.String(), func(ctx context.Context) (any, error) {
		m, err := s.fetchManifest(ctx, repo, t, d.String(), d)
		if err != nil {
			return nil, err
		}
		if m.IsList() {
			return nil, errNestedList
		}
		return s.buildImage(ctx, repo, t, m, d)
	})
	if err != nil {
		return nil, err
	}
	return v.(*image.Image), nil
}

// buildImage fetches the config of a schema 2 or OCI manifest and builds
// the Image, asking the registry for the layer sizes when the manifest
// gives none (SEMANTICS §8.6).
func (s *session) buildImage(ctx context.Context, repo *remote.Repository, t target, m *image.Manifest, expected digest.Digest) (*image.Image, error) {
	var config []byte
	var configDigest digest.Digest
	if m.Image != nil {
		var err error
		if config, err = s.config(ctx, repo, t, m.Image.Config); err != nil {
			return nil, err
		}
		configDigest = m.Image.Config.Digest
	}
	img, err := m.BuildImage(config, expected, s.now)
	if err != nil {
		return nil, err
	}
	if img.DockerImageMetadata.Size == 0 {
		if err := s.fillSizes(ctx, repo, t, img, configDigest); err != nil {
			return nil, err
		}
	}
	return img, nil
}

// config fetches a config blob, at most MaxConfigBytes, once per session.
func (s *session) config(ctx context.Context, repo *remote.Repository, t target, d ocispec.Descriptor) ([]byte, error) {
	v, err := s.once(ctx, "config\x00"+t.repoKey()+"\x00"+d.Digest.String(), func(ctx context.Context) (any, error) {
		if d.Size > MaxConfigBytes {
			return nil, fmt.Errorf("image config %s is %d bytes, more than %d: %w", d.Digest, d.Size, MaxConfigBytes, ErrTooLarge)
		}
		if err := s.repoLimiter(t.repoKey()).wait(ctx); err != nil {
			return nil, err
		}
		ctx, cancel := context.WithTimeout(ctx, s.imp.opts.Timeout)
		defer cancel()
		rc, err := repo.Blobs().Fetch(ctx, d)
		if errors.Is(err, errdef.ErrNotFound) {
			// OpenShift maps only a missing manifest to NotFound; a
			// missing config is an internal error (SEMANTICS §8.5).
			return nil, fmt.Errorf("image config %s: blob unknown to registry", d.Digest)
		}
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return readLimited(rc, MaxConfigBytes, "image config")
	})
	if err != nil {
		return nil, err
	}
	return v.([]byte), nil
}

// fetchManifest fetches the manifest ref (a tag or a digest) of t and
// checks that it is what it claims to be: at most MaxManifestBytes,
// served with a manifest media type, and hashing to the digest it was
// requested by and to the Docker-Content-Digest the registry sent.
func (s *session) fetchManifest(ctx context.Context, repo *remote.Repository, t target, ref string, expected digest.Digest) (*image.Manifest, error) {
	if err := s.repoLimiter(t.repoKey()).wait(ctx); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.imp.opts.Timeout)
	defer cancel()
	desc, rc, err := repo.Manifests().FetchReference(ctx, ref)
	if err != nil {
		return nil, s.checkV2(ctx, t, err)
	}
	defer rc.Close()
	if desc.Size > MaxManifestBytes {
		return nil, fmt.Errorf("manifest %s is %d bytes, more than %d: %w", ref, desc.Size, MaxManifestBytes, ErrTooLarge)
	}
	body, err := readLimited(rc, MaxManifestBytes, "manifest")
	if err != nil {
		return nil, err
	}
	if !manifestContentType(desc.MediaType) {
		return nil, fmt.Errorf("unsupported manifest media type %q", desc.MediaType)
	}
	m, err := image.ParseManifest(desc.MediaType, body)
	if err != nil {
		return nil, err
	}
	if expected != "" && !hasDigest(m, expected) {
		return nil, mismatch(m, expected)
	}
	// oras reports the Docker-Content-Digest header, or the digest of
	// the whole body when there is none; a signed schema 1 manifest's
	// digest covers only part of its body, so the latter proves nothing.
	if !hasDigest(m, desc.Digest) && desc.Digest != digest.FromBytes(body) {
		return nil, mismatch(m, desc.Digest)
	}
	return m, nil
}

// hasDigest reports whether m's canonical bytes hash to d with d's
// algorithm, m.Digest being their sha256 digest: content requested by a
// sha512 digest verifies, as image.Manifest.BuildImage accepts it, while
// Image names stay sha256.
func hasDigest(m *image.Manifest, d digest.Digest) bool {
	if d == m.Digest {
		return true
	}
	return d.Validate() == nil && d.Algorithm() != digest.SHA256 && d.Algorithm().FromBytes(m.Canonical) == d
}

// manifestErrors reads the body of a 404 answering a manifest GET of one
// repository, which oras drops: OpenShift reports a missing manifest as
// NotFound only for MANIFEST_UNKNOWN (SEMANTICS §8.11, §8.12). Such a
// 404 is passed on, and oras turns it into errdef.ErrNotFound; any other
// 404 (NAME_UNKNOWN, another code, no error body) fails the request with
// an *errcode.ErrorResponse carrying the codes sent, which becomes an
// InternalError. The body read is bounded by maxErrorBody.
type manifestErrors struct {
	remote.Client
	path string // "/v2/<repository>/manifests/"
}

func (c manifestErrors) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.Client.Do(req)
	if err != nil || resp.StatusCode != http.StatusNotFound || req.Method != http.MethodGet || !strings.HasPrefix(req.URL.Path, c.path) {
		return resp, err
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
	var errs struct {
		Errors errcode.Errors `json:"errors"`
	}
	if rerr == nil {
		_ = json.Unmarshal(body, &errs)
	}
	er := &errcode.ErrorResponse{Method: req.Method, URL: req.URL, StatusCode: resp.StatusCode, Errors: errs.Errors}
	if hasErrorCode(er, errcode.ErrorCodeManifestUnknown) {
		resp.Body = io.NopCloser(bytes.NewReader(body))
		return resp, nil
	}
	return nil, er
}

// mismatch is OpenShift's content integrity error for m. The digest
// calculated is given in the expected digest's algorithm.
func mismatch(m *image.Manifest, expected digest.Digest) error {
	kind := "manifest"
	switch {
	case m.SchemaVersion == 1:
		kind = "schema1"
	case m.IsList():
		kind = "list"
	}
	actual := m.Digest
	if expected.Validate() == nil && expected.Algorithm() != digest.SHA256 {
		actual = expected.Algorithm().FromBytes(m.Canonical)
	}
	return &image.DigestMismatchError{Content: kind, MediaType: m.MediaType, Expected: expected, Actual: actual}
}

// manifestContentType reports whether a registry's Content-Type may
// carry a manifest: a manifest media type, or the generic JSON type old
// registries serve schema 1 with (then the format is sniffed). An HTML
// error page is not.
func manifestContentType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	switch mt {
	case "application/json":
		return true
	}
	for _, t := range image.ManifestMediaTypes() {
		if mt == t {
			return true
		}
	}
	return false
}

// readLimited reads all of r, failing with ErrTooLarge past limit bytes.
func readLimited(r io.Reader, limit int64, what string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", what, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes: %w", what, limit, ErrTooLarge)
	}
	return b, nil
}
