package image_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
)

// TestValidateObjectMeta covers the generic ObjectMeta rules of SEMANTICS §3
// (head), through the cluster-scoped Image and the namespaced ImageStream.
func TestValidateObjectMeta(t *testing.T) {
	yes := true
	tests := []struct {
		name string
		// mutate changes valid metadata; cluster selects Image over
		// ImageStream.
		mutate  func(m *image.ObjectMeta)
		cluster bool
		want    image.ErrorList
	}{
		{name: "valid cluster-scoped", cluster: true, mutate: func(*image.ObjectMeta) {}},
		{name: "valid namespaced", mutate: func(*image.ObjectMeta) {}},
		{
			name: "empty name", cluster: true,
			mutate: func(m *image.ObjectMeta) { m.Name = "" },
			want:   errs(required("metadata.name", "name or generateName is required")),
		},
		{
			name: "path segment dot", cluster: true,
			mutate: func(m *image.ObjectMeta) { m.Name = "." },
			want:   errs(invalid("metadata.name", ".", "may not be '.'")),
		},
		{
			name: "path segment dot dot", cluster: true,
			mutate: func(m *image.ObjectMeta) { m.Name = ".." },
			want:   errs(invalid("metadata.name", "..", "may not be '..'")),
		},
		{
			name: "path segment slash and percent both reported", cluster: true,
			mutate: func(m *image.ObjectMeta) { m.Name = "a/b%c" },
			want: errs(
				invalid("metadata.name", "a/b%c", "may not contain '/'"),
				invalid("metadata.name", "a/b%c", "may not contain '%'"),
			),
		},
		{
			name: "generateName checked as a prefix", cluster: true,
			mutate: func(m *image.ObjectMeta) { m.GenerateName = "x/" },
			want:   errs(invalid("metadata.generateName", "x/", "may not contain '/'")),
		},
		{
			name: "namespace forbidden on cluster-scoped kind", cluster: true,
			mutate: func(m *image.ObjectMeta) { m.Namespace = "team-a" },
			want:   errs(forbidden("metadata.namespace", "not allowed on this type")),
		},
		{
			name:   "namespace required on namespaced kind",
			mutate: func(m *image.ObjectMeta) { m.Namespace = "" },
			want:   errs(required("metadata.namespace", "")),
		},
		{
			name:   "namespace not a DNS label",
			mutate: func(m *image.ObjectMeta) { m.Namespace = "Team_A" },
			want:   errs(invalid("metadata.namespace", "Team_A", dnsLabelMsg)),
		},
		{
			name:   "namespace with dots",
			mutate: func(m *image.ObjectMeta) { m.Namespace = "team.a" },
			want:   errs(invalid("metadata.namespace", "team.a", "must not contain dots")),
		},
		{
			name:   "namespace longer than 63",
			mutate: func(m *image.ObjectMeta) { m.Namespace = repeat("a", 64) },
			want:   errs(invalid("metadata.namespace", repeat("a", 64), "must be no more than 63 characters")),
		},
		{
			name: "negative generation", cluster: true,
			mutate: func(m *image.ObjectMeta) { m.Generation = -1 },
			want:   errs(invalid("metadata.generation", int64(-1), "must be greater than or equal to 0")),
		},
		{
			name: "valid labels and annotations", cluster: true,
			mutate: func(m *image.ObjectMeta) {
				m.Labels = map[string]string{"app": "web", "example.com/tier": "", "a.b_c-d": "X.y_z-1"}
				m.Annotations = map[string]string{"Example.COM/Mixed-Case": "any value at all: \n ok", "x": ""}
			},
		},
		{
			name: "label key and value errors in key order", cluster: true,
			mutate: func(m *image.ObjectMeta) {
				m.Labels = map[string]string{"z": "bad value", "-bad": "ok", "good": repeat("v", 64)}
			},
			want: errs(
				invalid("metadata.labels", "-bad", qualifiedNamePartMsg),
				invalid("metadata.labels", repeat("v", 64), "must be no more than 63 characters"),
				invalid("metadata.labels", "bad value", labelValueMsg),
			),
		},
		{
			name: "label key prefix must be a DNS subdomain", cluster: true,
			mutate: func(m *image.ObjectMeta) { m.Labels = map[string]string{"Example.com/x": "v"} },
			want: errs(invalid("metadata.labels", "Example.com/x",
				"prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "+
					"and must start and end with an alphanumeric character (e.g. 'example.com', "+
					`regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`)),
		},
		{
			name: "label key with two slashes", cluster: true,
			mutate: func(m *image.ObjectMeta) { m.Labels = map[string]string{"a/b/c": "v"} },
			want: errs(invalid("metadata.labels", "a/b/c",
				"a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "+
					"alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "+
					"'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')")),
		},
		{
			name: "annotation key with empty prefix and empty name", cluster: true,
			mutate: func(m *image.ObjectMeta) { m.Annotations = map[string]string{"/": "v"} },
			want: errs(
				invalid("metadata.annotations", "/", "prefix part must be non-empty"),
				invalid("metadata.annotations", "/", "name part must be non-empty"),
				invalid("metadata.annotations", "/", qualifiedNamePartMsg),
			),
		},
		{
			name: "annotations at exactly 256 KiB", cluster: true,
			mutate: func(m *image.ObjectMeta) { m.Annotations = map[string]string{"k": repeat("v", 256<<10-1)} },
		},
		{
			name: "annotations over 256 KiB", cluster: true,
			mutate: func(m *image.ObjectMeta) { m.Annotations = map[string]string{"k": repeat("v", 256<<10)} },
			want:   errs(tooLong("metadata.annotations", 262144)),
		},
		{
			name: "owner reference fields", cluster: true,
			mutate: func(m *image.ObjectMeta) {
				m.OwnerReferences = []image.OwnerReference{{APIVersion: "a/b/c"}}
			},
			want: errs(
				invalid("metadata.ownerReferences.apiVersion", "a/b/c", "version must not be empty"),
				invalid("metadata.ownerReferences.kind", "", "must not be empty"),
				invalid("metadata.ownerReferences.name", "", "must not be empty"),
				invalid("metadata.ownerReferences.uid", "", "must not be empty"),
			),
		},
		{
			name: "two controller owners", cluster: true,
			mutate: func(m *image.ObjectMeta) {
				m.OwnerReferences = []image.OwnerReference{
					{APIVersion: "v1", Kind: "A", Name: "a", UID: "1", Controller: &yes},
					{APIVersion: "apps/v1", Kind: "B", Name: "b", UID: "2", Controller: &yes},
				}
			},
			want: errs(invalid("metadata.ownerReferences", []image.OwnerReference{
				{APIVersion: "v1", Kind: "A", Name: "a", UID: "1", Controller: &yes},
				{APIVersion: "apps/v1", Kind: "B", Name: "b", UID: "2", Controller: &yes},
			}, `Only one reference can have Controller set to true. Found "true" in references for A/a and B/b`)),
		},
		{
			name: "finalizers orphan and foregroundDeletion", cluster: true,
			mutate: func(m *image.ObjectMeta) { m.Finalizers = []string{"orphan", "foregroundDeletion"} },
			want: errs(invalid("metadata.finalizers", []string{"orphan", "foregroundDeletion"},
				"finalizer orphan and foregroundDeletion cannot be both set")),
		},
		{
			name: "managed fields operation and type", cluster: true,
			mutate: func(m *image.ObjectMeta) {
				m.ManagedFields = []image.ManagedFieldsEntry{
					{Manager: "oc", Operation: "Apply", FieldsType: "FieldsV1"},
					{Operation: "Patch", FieldsType: "V2"},
					{Manager: repeat("m", 129), Operation: "Update", Subresource: repeat("s", 257)},
					{Manager: "a\tb", Operation: "Update"},
				}
			},
			want: errs(
				invalid("metadata.managedFields[1].operation", "Patch", "must be `Apply` or `Update`"),
				invalid("metadata.managedFields[1].fieldsType", "V2", "must be `FieldsV1`"),
				tooLong("metadata.managedFields[2].manager", 128),
				tooLong("metadata.managedFields[2].subresource", 256),
				invalid("metadata.managedFields[3].manager", "a\tb", "invalid character U+0009 (at position 1)"),
			),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.cluster {
				img := validImage()
				tt.mutate(&img.ObjectMeta)
				err = image.ValidateImage(img)
			} else {
				is := validStream()
				tt.mutate(&is.ObjectMeta)
				err = image.ValidateImageStream(is)
			}
			if diff := cmp.Diff(tt.want, fieldErrors(t, err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateObjectMetaUpdate covers the update rules of SEMANTICS §3
// (head): resourceVersion, generation and immutable fields.
func TestValidateObjectMetaUpdate(t *testing.T) {
	created := image.Date(2026, 1, 2, 3, 4, 5)
	deleting := image.Date(2026, 2, 1, 0, 0, 0)
	old := func() image.ObjectMeta {
		return image.ObjectMeta{
			Name: "app", Namespace: "team-a", UID: "u1", ResourceVersion: "7", Generation: 3,
			CreationTimestamp: created, Finalizers: []string{"a"},
		}
	}
	tests := []struct {
		name   string
		mutate func(newMeta, oldMeta *image.ObjectMeta)
		want   image.ErrorList
	}{
		{name: "unchanged", mutate: func(_, _ *image.ObjectMeta) {}},
		{
			name: "deletion fields immutable",
			mutate: func(n, _ *image.ObjectMeta) {
				grace := int64(30)
				n.DeletionTimestamp, n.DeletionGracePeriodSeconds = &deleting, &grace
			},
			want: errs(
				invalid("metadata.deletionTimestamp", &deleting, immutableMsg),
				invalid("metadata.deletionGracePeriodSeconds", pointerTo(int64(30)), immutableMsg),
			),
		},
		{
			name:   "generation may grow",
			mutate: func(n, _ *image.ObjectMeta) { n.Generation = 4 },
		},
		{
			name:   "resourceVersion missing is Invalid",
			mutate: func(n, _ *image.ObjectMeta) { n.ResourceVersion = "" },
			want:   errs(invalid("metadata.resourceVersion", "", "must be specified for an update")),
		},
		{
			name:   "generation decremented",
			mutate: func(n, _ *image.ObjectMeta) { n.Generation = 2 },
			want:   errs(invalid("metadata.generation", int64(2), "must not be decremented")),
		},
		{
			name:   "name immutable",
			mutate: func(n, _ *image.ObjectMeta) { n.Name = "other" },
			want:   errs(invalid("metadata.name", "other", immutableMsg)),
		},
		{
			name:   "namespace immutable",
			mutate: func(n, _ *image.ObjectMeta) { n.Namespace = "team-b" },
			want:   errs(invalid("metadata.namespace", "team-b", immutableMsg)),
		},
		{
			name:   "uid immutable",
			mutate: func(n, _ *image.ObjectMeta) { n.UID = "u2" },
			want:   errs(invalid("metadata.uid", "u2", immutableMsg)),
		},
		{
			name:   "creationTimestamp immutable",
			mutate: func(n, _ *image.ObjectMeta) { n.CreationTimestamp = deleting },
			want:   errs(invalid("metadata.creationTimestamp", deleting, immutableMsg)),
		},
		{
			name: "creationTimestamp compared as an instant",
			mutate: func(n, _ *image.ObjectMeta) {
				n.CreationTimestamp = image.Time{Time: created.In(time.FixedZone("UTC+1", 3600))}
			},
		},
		{
			name: "no new finalizers while deleting",
			mutate: func(n, o *image.ObjectMeta) {
				o.DeletionTimestamp = &deleting
				n.DeletionTimestamp = &deleting
				n.Finalizers = []string{"c", "a", "b"}
			},
			want: errs(forbidden("metadata.finalizers",
				`no new finalizers can be added if the object is being deleted, found new finalizers []string{"b", "c"}`)),
		},
		{
			name: "labels reported once on update",
			mutate: func(n, _ *image.ObjectMeta) {
				n.Labels = map[string]string{"-bad": "v"}
			},
			want: errs(invalid("metadata.labels", "-bad", qualifiedNamePartMsg)),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldIS, newIS := validStream(), validStream()
			oldIS.ObjectMeta, newIS.ObjectMeta = old(), old()
			tt.mutate(&newIS.ObjectMeta, &oldIS.ObjectMeta)
			got := fieldErrors(t, image.ValidateImageStreamUpdate(newIS, oldIS))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ValidateImageStreamUpdate (-want +got):\n%s", diff)
			}
			// The status subresource applies the same metadata rules.
			got = fieldErrors(t, image.ValidateImageStreamStatusUpdate(newIS, oldIS))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ValidateImageStreamStatusUpdate (-want +got):\n%s", diff)
			}
		})
	}
}

func pointerTo[T any](v T) *T { return &v }
