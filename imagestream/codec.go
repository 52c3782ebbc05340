package imagestream

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/reference"
	"github.com/imagestreams/imagestreams/storage"
)

// Stored values are the JSON encoding of the objects (image.Encode) with
// no metadata.resourceVersion: the store keeps the revision, and a read
// sets the field from it as a decimal string.

// Objects the Service returns carry their kind and the current
// apiVersion, whatever the client sent.
var (
	streamTypeMeta = image.TypeMeta{Kind: "ImageStream", APIVersion: image.APIVersion}
	imageTypeMeta  = image.TypeMeta{Kind: "Image", APIVersion: image.APIVersion}
)

// decodeStream reads a stored stream as OpenShift decodes one: defaults
// applied (SEMANTICS §2.1), spec tags and status tags sorted with
// duplicates collapsed, and the tag or ID of a legacy
// spec.dockerImageRepository dropped (§2.3; the status one is derived
// afresh on every read, §4.2). The library's own writes need none of it; data written by
// other tools or older versions may.
func (s *Service) decodeStream(obj storage.Object) (*image.ImageStream, error) {
	is := new(image.ImageStream)
	if err := json.Unmarshal(obj.Value, is); err != nil {
		return nil, NewInternalError(fmt.Errorf("decode %s: %w", obj.Key, err))
	}
	is.ResourceVersion = formatRV(obj.ResourceVersion)
	is.TypeMeta = streamTypeMeta
	s.strategy.Defaults.Default(is)
	Normalize(is)
	is.Spec.DockerImageRepository = stripLegacyRepository(is.Spec.DockerImageRepository)
	return is, nil
}

// stripLegacyRepository drops the tag and ID of a repository written by
// OpenShift 1.0.0–1.0.7 (SEMANTICS §2.3). Values that do not parse, or
// have neither, are returned as they are.
func stripLegacyRepository(repo string) string {
	if repo == "" {
		return repo
	}
	ref, err := reference.Parse(repo)
	if err != nil || (ref.Tag == "" && ref.ID == "") {
		return repo
	}
	return ref.AsRepository().Exact()
}

func decodeImage(obj storage.Object) (*image.Image, error) {
	img := new(image.Image)
	if err := json.Unmarshal(obj.Value, img); err != nil {
		return nil, NewInternalError(fmt.Errorf("decode %s: %w", obj.Key, err))
	}
	img.ResourceVersion = formatRV(obj.ResourceVersion)
	img.TypeMeta = imageTypeMeta
	defaultMetadataVersion(img)
	return img, nil
}

// encode returns the stored form of obj, whose metadata is meta: its JSON
// without the resourceVersion.
func encode(obj image.Object, meta *image.ObjectMeta) ([]byte, error) {
	rv := meta.ResourceVersion
	meta.ResourceVersion = ""
	defer func() { meta.ResourceVersion = rv }()
	b, err := image.Encode(obj)
	if err != nil {
		return nil, NewInternalError(err)
	}
	return b, nil
}

func formatRV(rv int64) string { return strconv.FormatInt(rv, 10) }

// parseRV reads a resourceVersion; "" is 0.
func parseRV(rv string) (int64, error) {
	if rv == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(rv, 10, 64)
	if err != nil || n < 0 {
		return 0, NewBadRequest(fmt.Sprintf("invalid resource version %q", rv))
	}
	return n, nil
}

// errModified is the reason Kubernetes gives for a stale resourceVersion.
var errModified = errors.New("the object has been modified; please apply your changes to the latest version and try again")

// storageError turns a storage failure into an API error about resource
// gr called name (empty for a list or watch). StatusErrors and context
// errors pass unchanged; the storage error stays reachable through
// errors.Is.
func storageError(err error, gr GroupResource, name string) error {
	var se *StatusError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se):
		return err
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, storage.ErrNotFound):
		return NewNotFound(gr, name)
	case errors.Is(err, storage.ErrExists):
		return NewAlreadyExists(gr, name)
	case errors.Is(err, storage.ErrConflict):
		e := NewConflict(gr, name, errModified)
		e.Err = err
		return e
	case errors.Is(err, storage.ErrTooOld):
		return NewResourceExpired(fmt.Sprintf("The resourceVersion for the provided request is too old: %v", err), err)
	case errors.Is(err, storage.ErrInvalidToken):
		e := NewBadRequest(fmt.Sprintf("invalid continue token: %v", err))
		e.Err = err
		return e
	case errors.Is(err, storage.ErrInvalidKey):
		return invalidKey(err, name)
	case errors.Is(err, storage.ErrTooLarge):
		e := NewBadRequest(fmt.Sprintf("%s %q is too large to store: %v", gr, name, err))
		e.Err = err
		return e
	}
	return NewInternalError(err)
}

// invalidKey is the BadRequest for a store key that a bad namespace or
// name made invalid (empty, ".", ".."): the caller's mistake, which
// Kubernetes rejects before storage, not an InternalError. An empty name
// gets the words Kubernetes has for it.
func invalidKey(err error, name string) *StatusError {
	msg := fmt.Sprintf("invalid namespace or name: %v", err)
	// A list or watch has no name: there the namespace is to blame.
	ke, ok := errors.AsType[*storage.KeyError](err)
	if name == "" && !(ok && (ke.Op == "list" || ke.Op == "watch")) {
		msg = "resource name may not be empty"
	}
	e := NewBadRequest(msg)
	e.Err = err
	return e
}

// newUID returns a random RFC 4122 version 4 UUID.
func newUID() image.UID {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	hex.Encode(out[9:13], b[4:6])
	hex.Encode(out[14:18], b[6:8])
	hex.Encode(out[19:23], b[8:10])
	hex.Encode(out[24:36], b[10:16])
	out[8], out[13], out[18], out[23] = '-', '-', '-', '-'
	return image.UID(out[:])
}

// generateNameChars are the characters Kubernetes appends to a
// generateName (no vowels, so no words; no 0, 1, 3 that read as letters).
const generateNameChars = "bcdfghjklmnpqrstvwxz2456789"

// generateName gives an object with no name one from its generateName,
// as the API server does before the strategy runs (so that fields derived
// from the name, like a stream's repository, see it).
func generateName(m *image.ObjectMeta) {
	if m.Name != "" || m.GenerateName == "" {
		return
	}
	var b [5]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = generateNameChars[int(b[i])%len(generateNameChars)]
	}
	m.Name = m.GenerateName + string(b[:])
}

// beforeCreate fills the system fields of a new object as the API server
// does: a fresh uid, the creation time, no resourceVersion and no
// deletion fields. A cluster-scoped object loses its namespace.
func (s *Service) beforeCreate(m *image.ObjectMeta, namespaced bool) {
	if !namespaced {
		m.Namespace = ""
	}
	m.UID = newUID()
	m.CreationTimestamp = image.NewTime(s.now())
	m.ResourceVersion = ""
	m.DeletionTimestamp = nil
	m.DeletionGracePeriodSeconds = nil
	m.SelfLink = ""
}

// beforeUpdate keeps the system fields of old that an update cannot
// change, as the API server does before its strategy runs: the
// generation is old's whatever the request says (the strategies bump it
// from there), an empty uid is taken from old, and so are the creation
// and deletion times. A cluster-scoped object loses its namespace.
//
// Resetting the generation first matters for the tag views: an ImageTag
// read before another writer bumped the stream's generation, or an
// ImageStreamTag sent with a generation, is updated rather than refused
// as a change of metadata (SEMANTICS §12.1, §12.2).
func beforeUpdate(m, old *image.ObjectMeta, namespaced bool) {
	if !namespaced {
		m.Namespace = ""
	}
	m.Generation = old.Generation
	if m.UID == "" {
		m.UID = old.UID
	}
	if !old.CreationTimestamp.IsZero() {
		m.CreationTimestamp = old.CreationTimestamp
	}
	m.DeletionTimestamp = old.DeletionTimestamp
	m.DeletionGracePeriodSeconds = old.DeletionGracePeriodSeconds
	m.SelfLink = ""
}

// requireResourceVersion is the check Kubernetes makes on an update of a
// kind that does not allow unconditional updates (SEMANTICS §3 head, §4):
// the request must carry the resourceVersion it read.
func requireResourceVersion(kind string, m *image.ObjectMeta) (int64, error) {
	if m.ResourceVersion == "" {
		// Kubernetes reports the parsed value, an unsigned zero: 0x0.
		fe := image.NewPath("metadata", "resourceVersion").Invalid(uint64(0), "must be specified for an update")
		return 0, NewInvalid(kind, m.Name, &image.InvalidError{Kind: kind, Name: m.Name, Errs: image.ErrorList{fe}})
	}
	return parseRV(m.ResourceVersion)
}
