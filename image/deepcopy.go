package image

import (
	"maps"
	"slices"
)

// Deep copies of the stored kinds. Services hand out copies so that
// callers can change what they get without touching shared state.

func cloneMap[M ~map[K]V, K comparable, V any](m M) M {
	if m == nil {
		return nil
	}
	return maps.Clone(m)
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// DeepCopy returns a deep copy of m.
func (m *ObjectMeta) DeepCopy() *ObjectMeta {
	out := *m
	out.DeletionTimestamp = clonePtr(m.DeletionTimestamp)
	out.DeletionGracePeriodSeconds = clonePtr(m.DeletionGracePeriodSeconds)
	out.Labels = cloneMap(m.Labels)
	out.Annotations = cloneMap(m.Annotations)
	if m.OwnerReferences != nil {
		out.OwnerReferences = make([]OwnerReference, len(m.OwnerReferences))
		for i, r := range m.OwnerReferences {
			r.Controller = clonePtr(r.Controller)
			r.BlockOwnerDeletion = clonePtr(r.BlockOwnerDeletion)
			out.OwnerReferences[i] = r
		}
	}
	out.Finalizers = slices.Clone(m.Finalizers)
	if m.ManagedFields != nil {
		out.ManagedFields = make([]ManagedFieldsEntry, len(m.ManagedFields))
		for i, f := range m.ManagedFields {
			f.Time = clonePtr(f.Time)
			if f.FieldsV1 != nil {
				f.FieldsV1 = &FieldsV1{Raw: slices.Clone(f.FieldsV1.Raw)}
			}
			out.ManagedFields[i] = f
		}
	}
	return &out
}

// DeepCopy returns a deep copy of is.
func (is *ImageStream) DeepCopy() *ImageStream {
	if is == nil {
		return nil
	}
	out := *is
	out.ObjectMeta = *is.ObjectMeta.DeepCopy()
	out.Spec = *is.Spec.DeepCopy()
	out.Status = *is.Status.DeepCopy()
	return &out
}

// DeepCopy returns a deep copy of s.
func (s *ImageStreamSpec) DeepCopy() *ImageStreamSpec {
	out := *s
	if s.Tags != nil {
		out.Tags = make([]TagReference, len(s.Tags))
		for i := range s.Tags {
			out.Tags[i] = *s.Tags[i].DeepCopy()
		}
	}
	return &out
}

// DeepCopy returns a deep copy of t.
func (t *TagReference) DeepCopy() *TagReference {
	if t == nil {
		return nil
	}
	out := *t
	out.Annotations = cloneMap(t.Annotations)
	out.From = clonePtr(t.From)
	out.Generation = clonePtr(t.Generation)
	return &out
}

// DeepCopy returns a deep copy of s.
func (s *ImageStreamStatus) DeepCopy() *ImageStreamStatus {
	out := *s
	if s.Tags != nil {
		out.Tags = make([]NamedTagEventList, len(s.Tags))
		for i := range s.Tags {
			out.Tags[i] = *s.Tags[i].DeepCopy()
		}
	}
	return &out
}

// DeepCopy returns a deep copy of l.
func (l *NamedTagEventList) DeepCopy() *NamedTagEventList {
	if l == nil {
		return nil
	}
	out := *l
	out.Items = slices.Clone(l.Items)
	out.Conditions = slices.Clone(l.Conditions)
	return &out
}

// DeepCopy returns a deep copy of img.
func (img *Image) DeepCopy() *Image {
	if img == nil {
		return nil
	}
	out := *img
	out.ObjectMeta = *img.ObjectMeta.DeepCopy()
	out.DockerImageMetadata = *img.DockerImageMetadata.DeepCopy()
	out.DockerImageLayers = slices.Clone(img.DockerImageLayers)
	if img.Signatures != nil {
		out.Signatures = make([]ImageSignature, len(img.Signatures))
		for i := range img.Signatures {
			out.Signatures[i] = *img.Signatures[i].DeepCopy()
		}
	}
	if img.DockerImageSignatures != nil {
		out.DockerImageSignatures = make([][]byte, len(img.DockerImageSignatures))
		for i, s := range img.DockerImageSignatures {
			out.DockerImageSignatures[i] = slices.Clone(s)
		}
	}
	out.DockerImageManifests = slices.Clone(img.DockerImageManifests)
	return &out
}

// DeepCopy returns a deep copy of s.
func (s *ImageSignature) DeepCopy() *ImageSignature {
	if s == nil {
		return nil
	}
	out := *s
	out.ObjectMeta = *s.ObjectMeta.DeepCopy()
	out.Content = slices.Clone(s.Content)
	out.Conditions = slices.Clone(s.Conditions)
	out.SignedClaims = cloneMap(s.SignedClaims)
	out.Created = clonePtr(s.Created)
	out.IssuedBy = clonePtr(s.IssuedBy)
	out.IssuedTo = clonePtr(s.IssuedTo)
	return &out
}

// DeepCopy returns a deep copy of d.
func (d *DockerImage) DeepCopy() *DockerImage {
	out := *d
	out.ContainerConfig = *d.ContainerConfig.DeepCopy()
	if d.Config != nil {
		out.Config = d.Config.DeepCopy()
	}
	return &out
}

// DeepCopy returns a deep copy of c.
func (c *DockerConfig) DeepCopy() *DockerConfig {
	out := *c
	out.PortSpecs = slices.Clone(c.PortSpecs)
	out.ExposedPorts = cloneMap(c.ExposedPorts)
	out.Env = slices.Clone(c.Env)
	out.Cmd = slices.Clone(c.Cmd)
	out.DNS = slices.Clone(c.DNS)
	out.Volumes = cloneMap(c.Volumes)
	out.Entrypoint = slices.Clone(c.Entrypoint)
	out.SecurityOpts = slices.Clone(c.SecurityOpts)
	out.OnBuild = slices.Clone(c.OnBuild)
	out.Labels = cloneMap(c.Labels)
	return &out
}

// The views and requests below embed ObjectMeta: without methods of their
// own, x.DeepCopy() would compile and copy only the metadata.

// DeepCopy returns a deep copy of m.
func (m *ImageStreamMapping) DeepCopy() *ImageStreamMapping {
	if m == nil {
		return nil
	}
	out := *m
	out.ObjectMeta = *m.ObjectMeta.DeepCopy()
	out.Image = *m.Image.DeepCopy()
	return &out
}

// DeepCopy returns a deep copy of t.
func (t *ImageStreamTag) DeepCopy() *ImageStreamTag {
	if t == nil {
		return nil
	}
	out := *t
	out.ObjectMeta = *t.ObjectMeta.DeepCopy()
	out.Tag = t.Tag.DeepCopy()
	out.Conditions = slices.Clone(t.Conditions)
	out.Image = *t.Image.DeepCopy()
	return &out
}

// DeepCopy returns a deep copy of t.
func (t *ImageTag) DeepCopy() *ImageTag {
	if t == nil {
		return nil
	}
	out := *t
	out.ObjectMeta = *t.ObjectMeta.DeepCopy()
	out.Spec = t.Spec.DeepCopy()
	out.Status = t.Status.DeepCopy()
	out.Image = t.Image.DeepCopy()
	return &out
}

// DeepCopy returns a deep copy of i.
func (i *ImageStreamImage) DeepCopy() *ImageStreamImage {
	if i == nil {
		return nil
	}
	out := *i
	out.ObjectMeta = *i.ObjectMeta.DeepCopy()
	out.Image = *i.Image.DeepCopy()
	return &out
}

// DeepCopy returns a deep copy of l.
func (l *ImageStreamLayers) DeepCopy() *ImageStreamLayers {
	if l == nil {
		return nil
	}
	out := *l
	out.ObjectMeta = *l.ObjectMeta.DeepCopy()
	if l.Blobs != nil {
		out.Blobs = make(map[string]ImageLayerData, len(l.Blobs))
		for k, b := range l.Blobs {
			b.LayerSize = clonePtr(b.LayerSize)
			out.Blobs[k] = b
		}
	}
	if l.Images != nil {
		out.Images = make(map[string]ImageBlobReferences, len(l.Images))
		for k, r := range l.Images {
			r.Layers = slices.Clone(r.Layers)
			r.Config = clonePtr(r.Config)
			r.Manifests = slices.Clone(r.Manifests)
			out.Images[k] = r
		}
	}
	return &out
}

// DeepCopy returns a deep copy of isi.
func (isi *ImageStreamImport) DeepCopy() *ImageStreamImport {
	if isi == nil {
		return nil
	}
	out := *isi
	out.ObjectMeta = *isi.ObjectMeta.DeepCopy()
	out.Spec = *isi.Spec.DeepCopy()
	out.Status.Import = isi.Status.Import.DeepCopy()
	if r := isi.Status.Repository; r != nil {
		out.Status.Repository = &RepositoryImportStatus{
			Status:         *r.Status.deepCopy(),
			Images:         copyImportStatuses(r.Images),
			AdditionalTags: slices.Clone(r.AdditionalTags),
		}
	}
	out.Status.Images = copyImportStatuses(isi.Status.Images)
	return &out
}

// DeepCopy returns a deep copy of s.
func (s *ImageStreamImportSpec) DeepCopy() *ImageStreamImportSpec {
	out := *s
	out.Repository = clonePtr(s.Repository)
	if s.Images != nil {
		out.Images = make([]ImageImportSpec, len(s.Images))
		for i, spec := range s.Images {
			spec.To = clonePtr(spec.To)
			out.Images[i] = spec
		}
	}
	return &out
}

func copyImportStatuses(in []ImageImportStatus) []ImageImportStatus {
	if in == nil {
		return nil
	}
	out := make([]ImageImportStatus, len(in))
	for i, s := range in {
		s.Status = *s.Status.deepCopy()
		s.Image = s.Image.DeepCopy()
		if s.Manifests != nil {
			ms := make([]Image, len(s.Manifests))
			for j := range s.Manifests {
				ms[j] = *s.Manifests[j].DeepCopy()
			}
			s.Manifests = ms
		}
		out[i] = s
	}
	return out
}

func (s *Status) deepCopy() *Status {
	out := *s
	out.RemainingItemCount = clonePtr(s.RemainingItemCount)
	if d := s.Details; d != nil {
		dc := *d
		dc.Causes = slices.Clone(d.Causes)
		out.Details = &dc
	}
	return &out
}

// DeepCopy returns a deep copy of s.
func (s *Secret) DeepCopy() *Secret {
	if s == nil {
		return nil
	}
	out := *s
	out.ObjectMeta = *s.ObjectMeta.DeepCopy()
	out.Immutable = clonePtr(s.Immutable)
	if s.Data != nil {
		out.Data = make(map[string][]byte, len(s.Data))
		for k, v := range s.Data {
			out.Data[k] = slices.Clone(v)
		}
	}
	out.StringData = cloneMap(s.StringData)
	return &out
}
