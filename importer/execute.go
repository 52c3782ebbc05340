package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/imagestreams/imagestreams/image"
	"golang.org/x/sync/errgroup"
	"oras.land/oras-go/v2/registry/remote"
)

// execute runs every request, at most Concurrency at a time. Failures
// are outcomes, so one failing tag never stops the others.
func (s *session) execute(ctx context.Context, p *plan) {
	var g errgroup.Group
	g.SetLimit(s.imp.opts.Concurrency)
	var mu sync.Mutex // guards prog
	prog := Progress{}
	if p.repo != nil {
		prog.Repository = p.repo.spec.From.Name
		prog.Total = len(p.repo.reqs)
	}
	for _, r := range p.requests {
		g.Go(func() error {
			r.out = s.run(ctx, r)
			switch {
			case r.out.err != nil:
				s.imp.log.DebugContext(ctx, "import failed", "image", r.statusRef(), "reason", statusOf(r.statusRef(), r.out.err).Reason)
			case r.out.img == nil:
				s.imp.log.DebugContext(ctx, "no pull source may serve the image", "image", r.statusRef())
			default:
				s.imp.log.DebugContext(ctx, "imported", "image", r.statusRef(), "digest", r.out.img.Name)
			}
			if r.repository && s.imp.opts.Progress != nil {
				mu.Lock()
				defer mu.Unlock()
				prog.Done++
				if r.out.img == nil {
					prog.Failed++
				}
				s.imp.opts.Progress(prog)
			}
			return nil
		})
	}
	_ = g.Wait()
}

// listRepository lists the repository's tags and plans the ones to
// import: deduplicated, "" read as latest, ordered by PrioritizeTags and
// cut at MaxTagsPerRepository (SEMANTICS §8.3). A listing failure becomes
// the repository's status.
func (s *session) listRepository(ctx context.Context, p *plan) {
	rp := p.repo
	if rp.status != nil {
		return
	}
	tags, err := s.listTags(ctx, rp.target)
	if err != nil {
		st := s.redact.status(repositoryStatusOf(rp.target.def.AsRepository().Exact(), err))
		rp.status = &st
		return
	}
	p.addRepositoryTags(tags, s.imp.opts.MaxTagsPerRepository)
}

// listTags lists the tags of t from the sources a pull by tag would use
// (tag mirrors, then t unless never contacted); the first that answers
// wins.
func (s *session) listTags(ctx context.Context, t target) ([]string, error) {
	var errs []error
	for _, src := range s.imp.regs.sources(t, false) {
		tags, err := s.listTagsFrom(ctx, src)
		if err == nil {
			image.PrioritizeTags(tags)
			return tags, nil
		}
		if ctx.Err() != nil {
			return nil, err
		}
		errs = append(errs, err)
	}
	switch len(errs) {
	case 0:
		return nil, errNoTagSource
	case 1:
		return nil, errs[0]
	}
	return nil, &aggregateError{errs: errs}
}

// errNoTagSource is the failure of a repository import whose registry
// is never contacted and has no tag mirror.
var errNoTagSource = errors.New("the registry is never contacted and no tag mirror serves this repository")

func (s *session) listTagsFrom(ctx context.Context, t target) ([]string, error) {
	repo, err := s.repository(ctx, t)
	if err != nil {
		return nil, err
	}
	if err := s.repoLimiter(t.repoKey()).wait(ctx); err != nil {
		return nil, err
	}
	// oras cuts a page at MaxMetadataBytes without a word; let it read one
	// byte more so that tagListClient sees and reports an oversize page.
	repo.Client = &tagListClient{Client: repo.Client, page: MaxManifestBytes, left: MaxTagListBytes}
	repo.MaxMetadataBytes = MaxManifestBytes + 1
	ctx, cancel := context.WithTimeout(ctx, s.imp.opts.Timeout)
	defer cancel()
	seen := map[string]bool{}
	var tags []string
	err = repo.Tags(ctx, "", func(page []string) error {
		for _, tag := range page {
			if tag == "" {
				tag = image.DefaultImageTag
			}
			if !seen[tag] {
				seen[tag] = true
				tags = append(tags, tag)
			}
		}
		return nil
	})
	if err != nil {
		return nil, s.checkV2(ctx, t, err)
	}
	return tags, nil
}

// tagListClient bounds the tag-list pages read through it, each to page
// bytes and all together to left, failing with ErrTooLarge past either.
// The pages of one listing are read one after another.
type tagListClient struct {
	remote.Client
	page int64
	left int64 // bytes the remaining pages may hold
}

func (c *tagListClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.Client.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		// Error bodies are bounded where they are read.
		return resp, err
	}
	resp.Body = &tagListBody{ReadCloser: resp.Body, c: c, left: c.page}
	return resp, nil
}

type tagListBody struct {
	io.ReadCloser
	c    *tagListClient
	left int64 // bytes this page may still hold
}

func (b *tagListBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	// The bytes past a limit are withheld, so that the decoder cannot
	// finish an oversize value with them and miss the error.
	switch {
	case int64(n) > b.left:
		return int(b.left), fmt.Errorf("tag list page is larger than %d bytes: %w", b.c.page, ErrTooLarge)
	case int64(n) > b.c.left:
		return int(b.c.left), fmt.Errorf("tag list is larger than %d bytes in all: %w", MaxTagListBytes, ErrTooLarge)
	}
	b.left -= int64(n)
	b.c.left -= int64(n)
	return n, err
}

// retryAnonymously runs the whole import again, spec.images and
// spec.repository, with the node's credentials only, when the namespace's
// credentials were refused as an incorrect username or password for some
// image, as OpenShift does (SEMANTICS §8.1 step 7, QUIRK §14.15). The
// second run's results replace the first's, except that an image still
// Unauthorized gets its first status back: an image the namespace's
// credentials could read may thus end with the second run's failure, and
// the repository's status is always the second run's. Without namespace
// secrets the second run would use the same credentials, so it is skipped.
func (imp *Importer) retryAnonymously(ctx context.Context, isi *image.ImageStreamImport, stream *image.ImageStream, secrets []image.Secret) {
	if len(secrets) == 0 {
		return
	}
	if !slices.ContainsFunc(isi.Status.Images, func(st image.ImageImportStatus) bool {
		return st.Status.Reason == image.StatusReasonUnauthorized && strings.Contains(strings.ToLower(st.Status.Message), "username or password")
	}) {
		return
	}
	kr, err := newKeyring(imp.opts.NodeSecrets)
	if err != nil {
		return
	}
	again := &image.ImageStreamImport{Spec: isi.Spec}
	imp.run(ctx, kr, again, stream)
	for i, st := range again.Status.Images {
		if st.Status.Reason == image.StatusReasonUnauthorized {
			again.Status.Images[i] = isi.Status.Images[i]
		}
	}
	isi.Status.Images, isi.Status.Repository = again.Status.Images, again.Status.Repository
}
