package imagestream_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/storage"
)

// TestImageSignatures covers SEMANTICS §10.4: signatures are added to and
// removed from their Image; duplicates by name or by type and content are
// AlreadyExists.
func TestImageSignatures(t *testing.T) {
	ctx := context.Background()
	img := digest(1)
	sig := func(name, content string) *image.ImageSignature {
		return &image.ImageSignature{ObjectMeta: image.ObjectMeta{Name: img + "@" + name}, Type: image.SignatureTypeAtomicImageV1, Content: []byte(content)}
	}
	now := image.Date(2020, 1, 1, 0, 0, 0)
	tests := []struct {
		name string
		// ops run in order on an image holding signature "a" (content "A").
		ops     func(svc *imagestream.Service) error
		wantErr string
		want    []string // signature names afterwards
	}{
		{
			name: "add",
			ops: func(svc *imagestream.Service) error {
				_, err := svc.ImageSignatures().Create(ctx, sig("b", "B"))
				return err
			},
			want: []string{"a", "b"},
		},
		{
			name: "same name",
			ops: func(svc *imagestream.Service) error {
				_, err := svc.ImageSignatures().Create(ctx, sig("a", "other"))
				return err
			},
			wantErr: `imageSignatures.image.openshift.io "` + img + `@a" already exists`,
			want:    []string{"a"},
		},
		{
			name: "same type and content",
			ops: func(svc *imagestream.Service) error {
				_, err := svc.ImageSignatures().Create(ctx, sig("c", "A"))
				return err
			},
			wantErr: `imageSignatures.image.openshift.io "` + img + `@c" already exists`,
			want:    []string{"a"},
		},
		{
			name: "image missing",
			ops: func(svc *imagestream.Service) error {
				s := sig("x", "X")
				s.Name = digest(2) + "@x"
				_, err := svc.ImageSignatures().Create(ctx, s)
				return err
			},
			wantErr: `images.image.openshift.io "` + digest(2) + `" not found`,
			want:    []string{"a"},
		},
		{
			name: "bad name",
			ops: func(svc *imagestream.Service) error {
				s := sig("x", "X")
				s.Name = "no-at-sign"
				_, err := svc.ImageSignatures().Create(ctx, s)
				return err
			},
			wantErr: `ImageSignature.image.openshift.io "no-at-sign" is invalid: metadata.name: Invalid value: "no-at-sign": name must be of format <imageName>@<signatureName>`,
			want:    []string{"a"},
		},
		{
			name: "delete keeps the order of the others",
			ops: func(svc *imagestream.Service) error {
				for _, s := range []*image.ImageSignature{sig("b", "B"), sig("c", "C")} {
					if _, err := svc.ImageSignatures().Create(ctx, s); err != nil {
						return err
					}
				}
				return svc.ImageSignatures().Delete(ctx, img+"@b")
			},
			want: []string{"a", "c"},
		},
		{
			name:    "delete a missing signature",
			ops:     func(svc *imagestream.Service) error { return svc.ImageSignatures().Delete(ctx, img+"@zzz") },
			wantErr: `imageSignatures.image.openshift.io "` + img + `@zzz" not found`,
			want:    []string{"a"},
		},
		{
			name:    "delete with a bad name",
			ops:     func(svc *imagestream.Service) error { return svc.ImageSignatures().Delete(ctx, "nothing") },
			wantErr: "ImageSignatures must be accessed with <imageName>@<signatureName>",
			want:    []string{"a"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, _ := newService(t)
			if _, err := svc.Images().Create(ctx, &image.Image{ObjectMeta: image.ObjectMeta{Name: img}, DockerImageReference: "quay.io/x/y@" + img}); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.ImageSignatures().Create(ctx, sig("a", "A")); err != nil {
				t.Fatal(err)
			}
			err := tt.ops(svc)
			if (tt.wantErr == "") != (err == nil) || (err != nil && err.Error() != tt.wantErr) {
				t.Errorf("error:\n got %v\nwant %s", err, tt.wantErr)
			}
			stored, err := svc.Images().Get(ctx, img)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, s := range stored.Signatures {
				names = append(names, s.Name[len(img)+1:])
			}
			if diff := cmp.Diff(tt.want, names); diff != "" {
				t.Errorf("signatures (-want +got):\n%s", diff)
			}
		})
	}

	// Verification results sent by a client are dropped.
	svc, _ := newService(t)
	if _, err := svc.Images().Create(ctx, &image.Image{ObjectMeta: image.ObjectMeta{Name: img}, DockerImageReference: "quay.io/x/y@" + img}); err != nil {
		t.Fatal(err)
	}
	in := sig("v", "V")
	in.Conditions = []image.SignatureCondition{{Type: "Trusted", Status: image.ConditionTrue, LastProbeTime: now}, {Type: "ForImage", Status: image.ConditionTrue, LastProbeTime: now}}
	in.ImageIdentity, in.SignedClaims, in.Created = "quay.io/x/y", map[string]string{"a": "b"}, &now
	got, err := svc.ImageSignatures().Create(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if got.Conditions != nil || got.ImageIdentity != "" || got.SignedClaims != nil || got.Created != nil || got.UID == "" {
		t.Errorf("stored signature = %+v", got)
	}
	if len(in.Conditions) != 2 {
		t.Errorf("Create modified its argument")
	}
	if _, err := svc.ImageSignatures().Create(ctx, in); !errors.Is(err, storage.ErrExists) {
		t.Errorf("duplicate: %v", err)
	}
}

// TestImageSignaturesGenerateName: Create makes a name from generateName
// before validating, as the API server's BeforeCreate does for
// OpenShift's ImageSignature REST (SEMANTICS §10.4) and as Images.Create
// does; the generated name must then pass the signature name check.
func TestImageSignaturesGenerateName(t *testing.T) {
	ctx := context.Background()
	img := digest(7)
	tests := []struct {
		name               string
		meta               image.ObjectMeta
		wantPrefix, reason string // reason of the error, if any
		wantLen            int
	}{
		{name: "generated", meta: image.ObjectMeta{GenerateName: img + "@"}, wantPrefix: img + "@", wantLen: len(img) + 1 + 5},
		{name: "generated after a signature prefix", meta: image.ObjectMeta{GenerateName: img + "@sig-"}, wantPrefix: img + "@sig-", wantLen: len(img) + 5 + 5},
		{name: "a name wins", meta: image.ObjectMeta{Name: img + "@mine", GenerateName: img + "@"}, wantPrefix: img + "@mine", wantLen: len(img) + 5},
		{name: "generated name without image", meta: image.ObjectMeta{GenerateName: "sig-"}, reason: "Invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, _ := newService(t)
			if _, err := svc.Images().Create(ctx, &image.Image{ObjectMeta: image.ObjectMeta{Name: img}, DockerImageReference: "quay.io/x/y@" + img}); err != nil {
				t.Fatal(err)
			}
			got, err := svc.ImageSignatures().Create(ctx, &image.ImageSignature{ObjectMeta: tt.meta, Type: image.SignatureTypeAtomicImageV1, Content: []byte("sig")})
			if diff := cmp.Diff(tt.reason, string(imagestream.Reason(err))); diff != "" {
				t.Fatalf("error %v (-want +got):\n%s", err, diff)
			}
			if err != nil {
				return
			}
			if !strings.HasPrefix(got.Name, tt.wantPrefix) || len(got.Name) != tt.wantLen {
				t.Errorf("name %q, want %q and %d characters in all", got.Name, tt.wantPrefix, tt.wantLen)
			}
			stored, err := svc.Images().Get(ctx, img)
			if err != nil {
				t.Fatal(err)
			}
			if len(stored.Signatures) != 1 || stored.Signatures[0].Name != got.Name {
				t.Errorf("stored signatures %+v, want only %q", stored.Signatures, got.Name)
			}
		})
	}
}
