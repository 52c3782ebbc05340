package imagestream

import (
	"bytes"
	"context"
	"errors"
	"strings"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/storage"
)

// ImageSignatures returns the client for image signatures.
func (s *Service) ImageSignatures() *ImageSignatures { return &ImageSignatures{s: s} }

// ImageSignatures adds signatures to images and removes them (SEMANTICS
// §10.4). A signature lives inside its Image; its name is
// "<imageName>@<signatureName>". There is no Get or List: read the Image.
type ImageSignatures struct{ s *Service }

// Create adds a signature to the image its name points at and returns the
// signature as stored. The verification results a client sends
// (conditions, imageIdentity, signedClaims, created, issuedBy, issuedTo)
// are dropped: only a verifier may set them, by updating the Image. A
// signature with the same name, or with the same type and content, is
// AlreadyExists; a missing image is NotFound. A signature with no name
// gets one from its generateName before validation, as from the API
// server's BeforeCreate in OpenShift, so "<imageName>@" is a valid
// generateName.
func (c *ImageSignatures) Create(ctx context.Context, in *image.ImageSignature) (*image.ImageSignature, error) {
	if err := needObject(in, "ImageSignature"); err != nil {
		return nil, err
	}
	sig := in.DeepCopy()
	generateName(&sig.ObjectMeta)
	sig.Namespace = ""
	sig.ResourceVersion = ""
	sig.Conditions = nil
	sig.ImageIdentity = ""
	sig.SignedClaims = nil
	sig.Created = nil
	sig.IssuedBy = nil
	sig.IssuedTo = nil
	if err := image.ValidateImageSignature(sig); err != nil {
		return nil, NewInvalid("ImageSignature", sig.Name, err)
	}
	imageName, ok := splitSignatureName(sig.Name)
	if !ok {
		return nil, NewBadRequest("ImageSignatures must be accessed with <imageName>@<signatureName>")
	}
	c.s.beforeCreate(&sig.ObjectMeta, false)
	var out *image.ImageSignature
	err := c.s.updateImageWithRetry(ctx, imageName, ResourceImageSignatures, "create", func(img *image.Image) error {
		for i := range img.Signatures {
			have := &img.Signatures[i]
			if have.Name == sig.Name || (have.Type == sig.Type && bytes.Equal(have.Content, sig.Content)) {
				return NewAlreadyExists(ResourceImageSignatures, sig.Name)
			}
		}
		img.Signatures = append(img.Signatures, *sig.DeepCopy())
		return nil
	}, func(stored *image.Image) {
		for i := range stored.Signatures {
			if stored.Signatures[i].Name == sig.Name {
				out = &stored.Signatures[i]
				return
			}
		}
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, NewInternalError(errors.New("failed to store given signature"))
	}
	return out, nil
}

// Delete removes the signature called name ("<imageName>@<signatureName>")
// from its image, keeping the order of the others.
func (c *ImageSignatures) Delete(ctx context.Context, name string) error {
	imageName, ok := splitSignatureName(name)
	if !ok {
		return NewBadRequest("ImageSignatures must be accessed with <imageName>@<signatureName>")
	}
	return c.s.updateImageWithRetry(ctx, imageName, ResourceImageSignatures, "delete", func(img *image.Image) error {
		for i := range img.Signatures {
			if img.Signatures[i].Name == name {
				img.Signatures = append(img.Signatures[:i], img.Signatures[i+1:]...)
				return nil
			}
		}
		return NewNotFound(ResourceImageSignatures, name)
	}, nil)
}

// splitSignatureName returns the image part of "<imageName>@<signatureName>",
// and false unless the name has exactly these two non-empty parts.
func splitSignatureName(name string) (string, bool) {
	img, sig, ok := strings.Cut(name, "@")
	if !ok || img == "" || sig == "" || strings.Contains(sig, "@") {
		return "", false
	}
	return img, true
}

// updateImageWithRetry changes an image the way the server's own writes
// do: mutate changes a copy of the stored image, which then goes through
// the Image strategy's update and is stored with compare-and-swap; a
// conflict runs everything again on the fresh image, at most
// maxConflictRetries times (then ServerTimeout on gr, op). An error from
// mutate is returned as is. done, if not nil, sees the stored image.
func (s *Service) updateImageWithRetry(ctx context.Context, name string, gr GroupResource, op string, mutate func(img *image.Image) error, done func(stored *image.Image)) error {
	for range maxConflictRetries {
		old, value, err := s.readImage(ctx, name)
		if err != nil {
			return err
		}
		img := old.DeepCopy()
		if err := mutate(img); err != nil {
			return err
		}
		stored, err := s.updateImage(ctx, img, old, value)
		if errors.Is(err, storage.ErrConflict) {
			continue
		}
		if err != nil {
			return err
		}
		if done != nil {
			done(stored)
		}
		return nil
	}
	return NewServerTimeout(gr, op, 2)
}
