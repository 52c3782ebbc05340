package image

import (
	"reflect"
	"testing"
)

// fill sets every settable field of v, at every depth, to a non-zero
// value: one element in each slice and map, a target for each pointer.
func fill(v reflect.Value, depth int) {
	if depth > 12 {
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0), depth+1)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, depth+1)
		fill(e, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() {
				fill(f, depth+1)
			}
		}
	}
}

// shared returns the path of the first slice, map or pointer that a and b,
// equal values, have in common, or "".
func shared(a, b reflect.Value, path string) string {
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() {
			return ""
		}
		if a.Pointer() == b.Pointer() {
			return path
		}
		return shared(a.Elem(), b.Elem(), path)
	case reflect.Slice:
		if a.Len() == 0 {
			return ""
		}
		if a.Pointer() == b.Pointer() {
			return path
		}
		for i := range a.Len() {
			if p := shared(a.Index(i), b.Index(i), path+"[i]"); p != "" {
				return p
			}
		}
	case reflect.Map:
		if a.Len() == 0 {
			return ""
		}
		if a.Pointer() == b.Pointer() {
			return path
		}
		for _, k := range a.MapKeys() {
			if p := shared(a.MapIndex(k), b.MapIndex(k), path+"[k]"); p != "" {
				return p
			}
		}
	case reflect.Struct:
		for i := range a.NumField() {
			if a.Type().Field(i).IsExported() {
				if p := shared(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); p != "" {
					return p
				}
			}
		}
	}
	return ""
}

// TestDeepCopy: every kind's DeepCopy, given an object with every field
// set, returns an equal object that shares no slice, map or pointer with
// it; and a nil one copies to nil.
func TestDeepCopy(t *testing.T) {
	for _, obj := range []any{
		&ImageStream{}, &Image{}, &ImageSignature{}, &ImageStreamMapping{}, &ImageStreamTag{},
		&ImageTag{}, &ImageStreamImage{}, &ImageStreamLayers{}, &ImageStreamImport{}, &Secret{},
	} {
		name := reflect.TypeOf(obj).Elem().Name()
		t.Run(name, func(t *testing.T) {
			v := reflect.ValueOf(obj)
			fill(v.Elem(), 0)
			m := v.MethodByName("DeepCopy")
			if got := m.Type().Out(0); got != v.Type() {
				t.Fatalf("DeepCopy returns %v, want %v", got, v.Type())
			}
			c := m.Call(nil)[0]
			if !reflect.DeepEqual(c.Interface(), obj) {
				t.Errorf("copy differs from the original")
			}
			if p := shared(v, c, name); p != "" {
				t.Errorf("the copy shares %s with the original", p)
			}
			if nilCopy := reflect.Zero(v.Type()).MethodByName("DeepCopy").Call(nil)[0]; !nilCopy.IsNil() {
				t.Errorf("DeepCopy of nil = %v, want nil", nilCopy)
			}
		})
	}
}
