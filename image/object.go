package image

import "reflect"

// Object is any top-level kind of the API. Every kind embeds TypeMeta,
// which provides the method.
type Object interface {
	// GetTypeMeta returns the object's kind and apiVersion for reading or
	// setting.
	GetTypeMeta() *TypeMeta
}

// GetTypeMeta returns t itself.
func (t *TypeMeta) GetTypeMeta() *TypeMeta { return t }

// kindInfo describes one decodable kind.
type kindInfo struct {
	apiVersion string
	new        func() Object
}

// kinds lists every kind Decode understands, by kind name. Core kinds
// (List, SecretList, Secret, Status) live in the group-less "v1".
var kinds = map[string]kindInfo{
	"Image":              {APIVersion, func() Object { return new(Image) }},
	"ImageList":          {APIVersion, func() Object { return new(ImageList) }},
	"ImageSignature":     {APIVersion, func() Object { return new(ImageSignature) }},
	"ImageStream":        {APIVersion, func() Object { return new(ImageStream) }},
	"ImageStreamList":    {APIVersion, func() Object { return new(ImageStreamList) }},
	"ImageStreamMapping": {APIVersion, func() Object { return new(ImageStreamMapping) }},
	"ImageStreamTag":     {APIVersion, func() Object { return new(ImageStreamTag) }},
	"ImageStreamTagList": {APIVersion, func() Object { return new(ImageStreamTagList) }},
	"ImageStreamImage":   {APIVersion, func() Object { return new(ImageStreamImage) }},
	"ImageStreamLayers":  {APIVersion, func() Object { return new(ImageStreamLayers) }},
	"ImageStreamImport":  {APIVersion, func() Object { return new(ImageStreamImport) }},
	"ImageTag":           {APIVersion, func() Object { return new(ImageTag) }},
	"ImageTagList":       {APIVersion, func() Object { return new(ImageTagList) }},
	"List":               {"v1", func() Object { return new(List) }},
	"SecretList":         {"v1", func() Object { return new(SecretList) }},
	"Secret":             {"v1", func() Object { return new(Secret) }},
	"Status":             {"v1", func() Object { return new(Status) }},
}

// isNil reports whether obj is nil or a nil pointer: an Object holding a
// typed nil is not == nil, yet has no fields to read.
func isNil(obj Object) bool {
	v := reflect.ValueOf(obj)
	return !v.IsValid() || v.Kind() == reflect.Pointer && v.IsNil()
}

// kindOf returns the kind name of obj's Go type.
func kindOf(obj Object) string {
	t := reflect.TypeOf(obj)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if _, ok := kinds[t.Name()]; ok && t.PkgPath() == reflect.TypeFor[Image]().PkgPath() {
		return t.Name()
	}
	return ""
}
