package imagestream_test

import (
	"context"

	"github.com/imagestreams/imagestreams/image"
)

// fakeImporter answers every spec.images entry of an import with the
// result its function gives for the entry's pull spec, as an Importer
// that reached the registry would; spec.repository is not answered.
type fakeImporter func(from string) image.ImageImportStatus

func (f fakeImporter) Import(_ context.Context, isi *image.ImageStreamImport, _ *image.ImageStream, _ []image.Secret) error {
	for _, spec := range isi.Spec.Images {
		st := f(spec.From.Name)
		if spec.To != nil {
			st.Tag = spec.To.Name
		}
		isi.Status.Images = append(isi.Status.Images, st)
	}
	return nil
}

// manifestUnknown is the result of a pull spec the registry does not know.
func manifestUnknown(string) image.ImageImportStatus {
	return image.ImageImportStatus{Status: image.Status{Status: image.StatusFailure, Reason: image.StatusReasonNotFound, Code: 404, Message: "manifest unknown"}}
}
