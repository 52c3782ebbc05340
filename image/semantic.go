package image

import (
	"bytes"
	"reflect"
)

var timeType = reflect.TypeFor[Time]()

// semanticEqual is Kubernetes' equality.Semantic.DeepEqual for the types of
// this package: like reflect.DeepEqual, except that a nil and an empty
// slice or map are equal and Times are compared as instants. OpenShift
// uses it for the "may not update fields other than …" rules
// (SEMANTICS §3.7, §3.8).
func semanticEqual(a, b any) bool {
	return semanticEqualValue(reflect.ValueOf(a), reflect.ValueOf(b))
}

func semanticEqualValue(a, b reflect.Value) bool {
	if !a.IsValid() || !b.IsValid() {
		return a.IsValid() == b.IsValid()
	}
	if a.Type() != b.Type() {
		return false
	}
	if a.Type() == timeType {
		return a.Interface().(Time).Equal(b.Interface().(Time))
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return semanticEqualValue(a.Elem(), b.Elem())
	case reflect.Struct:
		for i := range a.NumField() {
			if !semanticEqualValue(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice:
		if a.Len() != b.Len() {
			return false
		}
		if a.Type().Elem().Kind() == reflect.Uint8 {
			return bytes.Equal(a.Bytes(), b.Bytes())
		}
		fallthrough
	case reflect.Array:
		for i := range a.Len() {
			if !semanticEqualValue(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.Len() != b.Len() {
			return false
		}
		for it := a.MapRange(); it.Next(); {
			bv := b.MapIndex(it.Key())
			if !bv.IsValid() || !semanticEqualValue(it.Value(), bv) {
				return false
			}
		}
		return true
	}
	return a.Equal(b)
}
