package imagestream_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
)

// secretsFunc is a SecretProvider.
type secretsFunc func(ctx context.Context, ns string) ([]image.Secret, error)

func (f secretsFunc) Secrets(ctx context.Context, ns string) ([]image.Secret, error) {
	return f(ctx, ns)
}

// TestSecrets checks SEMANTICS §10.5: the secrets subresource lists the
// namespace's dockercfg and dockerconfigjson secrets, except those
// annotated openshift.io/image.excludeSecret=true, whatever the stream
// name; a label selector filters them, and so does a field selector on
// the fields Kubernetes selects Secrets by, to which OpenShift hands it.
func TestSecrets(t *testing.T) {
	secret := func(name string, typ image.SecretType, annotations, labels map[string]string) image.Secret {
		return image.Secret{ObjectMeta: image.ObjectMeta{Name: name, Namespace: "ns", Annotations: annotations, Labels: labels}, Type: typ,
			Data: map[string][]byte{".dockerconfigjson": []byte("{}")}}
	}
	all := []image.Secret{
		secret("json", image.SecretTypeDockerConfigJSON, nil, map[string]string{"team": "a"}),
		secret("opaque", "Opaque", nil, nil),
		secret("cfg", image.SecretTypeDockercfg, nil, map[string]string{"team": "b"}),
		secret("excluded", image.SecretTypeDockerConfigJSON, map[string]string{image.ExcludeImageSecretAnnotation: "true"}, nil),
		secret("not-excluded", image.SecretTypeDockerConfigJSON, map[string]string{image.ExcludeImageSecretAnnotation: "false"}, nil),
		secret("token", "kubernetes.io/service-account-token", nil, nil),
	}
	provider := secretsFunc(func(_ context.Context, ns string) ([]image.Secret, error) {
		if ns != "ns" {
			return nil, nil
		}
		return all, nil
	})
	// A provider may leave the namespace out: its secrets are still the
	// namespace's.
	bare := secretsFunc(func(context.Context, string) ([]image.Secret, error) {
		return []image.Secret{{ObjectMeta: image.ObjectMeta{Name: "bare"}, Type: image.SecretTypeDockercfg}}, nil
	})
	broken := secretsFunc(func(context.Context, string) ([]image.Secret, error) { return nil, errors.New("unreachable") })
	tests := []struct {
		name     string
		opts     []imagestream.Option
		ns       string
		selector string
		fields   string
		want     []string
		err      string
	}{
		{name: "§10.5: pull secret types only, excluded ones left out", opts: []imagestream.Option{imagestream.WithSecrets(provider)}, ns: "ns",
			want: []string{"json", "cfg", "not-excluded"}},
		{name: "§10.5: a label selector filters", opts: []imagestream.Option{imagestream.WithSecrets(provider)}, ns: "ns", selector: "team in (b)",
			want: []string{"cfg"}},
		{name: "§10.5: other namespace", opts: []imagestream.Option{imagestream.WithSecrets(provider)}, ns: "other", want: []string{}},
		{name: "no provider: empty list", ns: "ns", want: []string{}},
		{name: "provider failure is InternalError", opts: []imagestream.Option{imagestream.WithSecrets(broken)}, ns: "ns", err: "InternalError"},
		{name: "bad selector is BadRequest", opts: []imagestream.Option{imagestream.WithSecrets(provider)}, ns: "ns", selector: "team in", err: "BadRequest"},
		{name: "§10.5: a field selector filters by name", opts: []imagestream.Option{imagestream.WithSecrets(provider)}, ns: "ns", fields: "metadata.name=cfg",
			want: []string{"cfg"}},
		{name: "§10.5: a field selector filters by namespace and name", opts: []imagestream.Option{imagestream.WithSecrets(provider)}, ns: "ns",
			fields: "metadata.namespace==ns,metadata.name!=cfg", want: []string{"json", "not-excluded"}},
		{name: "§10.5: a field selector filters by type", opts: []imagestream.Option{imagestream.WithSecrets(provider)}, ns: "ns",
			fields: "type=" + string(image.SecretTypeDockercfg), want: []string{"cfg"}},
		{name: "§10.5: both selectors filter", opts: []imagestream.Option{imagestream.WithSecrets(provider)}, ns: "ns", selector: "team",
			fields: "type!=" + string(image.SecretTypeDockercfg), want: []string{"json"}},
		{name: "field selector on another namespace", opts: []imagestream.Option{imagestream.WithSecrets(provider)}, ns: "ns",
			fields: "metadata.namespace=other", want: []string{}},
		{name: "field selector on the namespace of a secret without one", opts: []imagestream.Option{imagestream.WithSecrets(bare)}, ns: "ns",
			fields: "metadata.namespace=ns", want: []string{"bare"}},
		{name: "unsupported field is BadRequest", opts: []imagestream.Option{imagestream.WithSecrets(provider)}, ns: "ns",
			fields: "no.such.field=x", err: "BadRequest"},
		{name: "a stream's field is BadRequest", opts: []imagestream.Option{imagestream.WithSecrets(provider)}, ns: "ns",
			fields: "spec.dockerImageRepository=x", err: "BadRequest"},
		{name: "bad field selector is BadRequest", opts: []imagestream.Option{imagestream.WithSecrets(provider)}, ns: "ns", fields: "metadata.name", err: "BadRequest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, _ := newService(t, tt.opts...)
			// The stream name is ignored: "missing" does not exist.
			list, err := svc.ImageStreams(tt.ns).Secrets(context.Background(), "missing", imagestream.ListOptions{LabelSelector: tt.selector, FieldSelector: tt.fields})
			if diff := cmp.Diff(tt.err, outcome(err)); diff != "" {
				t.Fatalf("error %v (-want +got):\n%s", err, diff)
			}
			if err != nil {
				return
			}
			if list.Kind != "SecretList" || list.APIVersion != "v1" {
				t.Errorf("type %s/%s, want v1/SecretList", list.APIVersion, list.Kind)
			}
			got := []string{}
			for _, s := range list.Items {
				got = append(got, s.Name)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("secrets (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("§10.5: an unsupported field has the message of Kubernetes' Secret conversion", func(t *testing.T) {
		svc, _ := newService(t, imagestream.WithSecrets(provider))
		_, err := svc.ImageStreams("ns").Secrets(context.Background(), "", imagestream.ListOptions{FieldSelector: "spec.dockerImageRepository=x"})
		if want := "field label not supported: spec.dockerImageRepository"; err == nil || err.Error() != want {
			t.Errorf("Secrets(FieldSelector spec.dockerImageRepository=x) = %v; want %q", err, want)
		}
	})
	t.Run("the caller owns the secrets", func(t *testing.T) {
		svc, _ := newService(t, imagestream.WithSecrets(provider))
		list, err := svc.ImageStreams("ns").Secrets(context.Background(), "", imagestream.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		list.Items[0].Data[".dockerconfigjson"][0] = 'x'
		list.Items[0].Labels["team"] = "z"
		if string(all[0].Data[".dockerconfigjson"]) != "{}" || all[0].Labels["team"] != "a" {
			t.Errorf("provider's secret changed through the result: %+v", all[0])
		}
	})
}
