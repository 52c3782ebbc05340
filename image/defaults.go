package image

import "github.com/imagestreams/imagestreams/reference"

// Defaulter applies the defaults OpenShift applies when it decodes a v1
// object (SEMANTICS §2.1). The zero Defaulter uses DefaultImportMode.
type Defaulter struct {
	// ImportMode replaces an empty importMode. OpenShift lets the cluster
	// choose PreserveOriginal instead of DefaultImportMode (Legacy), and
	// ignores any other configured value (SEMANTICS §2.1): so empty, or
	// anything but Legacy and PreserveOriginal, means DefaultImportMode.
	ImportMode ImportModeType
}

// SetDefaults applies the default Defaulter to obj.
func SetDefaults(obj Object) { Defaulter{}.Default(obj) }

// Default fills the defaults of obj in place:
//   - an empty importPolicy.importMode becomes the import mode,
//   - an empty referencePolicy.type becomes Source,
//   - an ImageStreamImport image with no `to` whose `from` names a tag is
//     imported into that tag.
//
// As OpenShift's generated defaulters do, the list kinds (ImageStreamList,
// ImageStreamTagList, ImageTagList) default every item, and so does a
// List, each item by its own kind. Objects of other kinds carry no
// policies and are left alone, and so is a nil obj, typed or not.
func (d Defaulter) Default(obj Object) {
	if isNil(obj) {
		return
	}
	switch o := obj.(type) {
	case *ImageStream:
		d.stream(o)
	case *ImageStreamList:
		for i := range o.Items {
			d.stream(&o.Items[i])
		}
	case *ImageStreamTag:
		if o.Tag != nil {
			d.tag(o.Tag)
		}
	case *ImageStreamTagList:
		for i := range o.Items {
			if o.Items[i].Tag != nil {
				d.tag(o.Items[i].Tag)
			}
		}
	case *ImageTag:
		if o.Spec != nil {
			d.tag(o.Spec)
		}
	case *ImageTagList:
		for i := range o.Items {
			if o.Items[i].Spec != nil {
				d.tag(o.Items[i].Spec)
			}
		}
	case *ImageStreamImport:
		d.imports(o)
	case *List:
		for _, item := range o.Items {
			d.Default(item)
		}
	}
}

func (d Defaulter) mode() ImportModeType {
	switch d.ImportMode {
	case ImportModeLegacy, ImportModePreserveOriginal:
		return d.ImportMode
	}
	return DefaultImportMode
}

func (d Defaulter) stream(is *ImageStream) {
	for i := range is.Spec.Tags {
		d.tag(&is.Spec.Tags[i])
	}
}

func (d Defaulter) tag(t *TagReference) {
	d.policies(&t.ImportPolicy, &t.ReferencePolicy)
}

func (d Defaulter) policies(ip *TagImportPolicy, rp *TagReferencePolicy) {
	if ip.ImportMode == "" {
		ip.ImportMode = d.mode()
	}
	if rp.Type == "" {
		rp.Type = DefaultReferencePolicy
	}
}

func (d Defaulter) imports(isi *ImageStreamImport) {
	if r := isi.Spec.Repository; r != nil {
		d.policies(&r.ImportPolicy, &r.ReferencePolicy)
	}
	for i := range isi.Spec.Images {
		spec := &isi.Spec.Images[i]
		d.policies(&spec.ImportPolicy, &spec.ReferencePolicy)
		if spec.To == nil {
			if ref, err := reference.Parse(spec.From.Name); err == nil && ref.Tag != "" {
				spec.To = &LocalObjectReference{Name: ref.Tag}
			}
		}
	}
	if isi.Status.Import != nil {
		d.stream(isi.Status.Import)
	}
}
