package imagestream

import (
	"bytes"
	"context"
	"fmt"
	"maps"

	"github.com/imagestreams/imagestreams/image"
)

// Secrets returns the pull secrets a stream of the namespace may use, as
// OpenShift's imagestreams/<name>/secrets subresource does (SEMANTICS
// §10.5): every Secret of the namespace of type kubernetes.io/dockercfg
// or kubernetes.io/dockerconfigjson that does not carry the annotation
// openshift.io/image.excludeSecret: "true", in the provider's order.
// Like OpenShift it ignores name: the secrets belong to the namespace,
// not to a stream, and the stream need not exist. opts.LabelSelector
// and opts.FieldSelector filter the secrets, since OpenShift hands both
// to the Secrets list: the field selector takes the fields Kubernetes
// selects Secrets by, metadata.name, metadata.namespace and type. Limit
// and Continue are ignored, since a provider returns all secrets at once.
// Without a SecretProvider (WithSecrets) the list is empty; a provider's
// failure is an InternalError.
func (c *ImageStreams) Secrets(ctx context.Context, name string, opts ListOptions) (*image.SecretList, error) {
	if err := c.needNamespace(); err != nil {
		return nil, err
	}
	sel, fields, err := opts.selectors(secretFields)
	if err != nil {
		return nil, err
	}
	secrets, err := c.s.pullSecrets(ctx, c.ns)
	if err != nil {
		return nil, err
	}
	out := &image.SecretList{TypeMeta: image.TypeMeta{Kind: "SecretList", APIVersion: "v1"}, Items: []image.Secret{}}
	for _, sec := range secrets {
		meta := sec.ObjectMeta
		if meta.Namespace == "" {
			meta.Namespace = c.ns // the provider's secrets are the namespace's, named or not
		}
		if sel.Matches(sec.Labels) && fields.matches(&meta, func(string) string { return string(sec.Type) }) {
			out.Items = append(out.Items, sec)
		}
	}
	return out, nil
}

// secretFields is the set Kubernetes selects Secrets by, with the
// message of its Secret field-label conversion.
func secretFields(field string) error {
	switch field {
	case "metadata.name", "metadata.namespace", "type":
		return nil
	}
	return fmt.Errorf("field label not supported: %s", field)
}

// pullSecrets returns the namespace's pull secrets an import may use
// (SEMANTICS §10.5).
func (s *Service) pullSecrets(ctx context.Context, ns string) ([]image.Secret, error) {
	if s.secrets == nil {
		return nil, nil
	}
	all, err := s.secrets.Secrets(ctx, ns)
	if err != nil {
		return nil, NewInternalError(err)
	}
	var out []image.Secret
	for _, sec := range all {
		if sec.Type != image.SecretTypeDockercfg && sec.Type != image.SecretTypeDockerConfigJSON {
			continue
		}
		if sec.Annotations[image.ExcludeImageSecretAnnotation] == "true" {
			continue
		}
		out = append(out, copySecret(&sec))
	}
	return out, nil
}

// copySecret deep-copies a provider's Secret, so that the caller owns
// what it is handed; the image package has no DeepCopy for Secret.
func copySecret(in *image.Secret) image.Secret {
	out := *in
	out.ObjectMeta = *in.ObjectMeta.DeepCopy()
	if in.Immutable != nil {
		v := *in.Immutable
		out.Immutable = &v
	}
	if in.Data != nil {
		out.Data = make(map[string][]byte, len(in.Data))
		for k, v := range in.Data {
			out.Data[k] = bytes.Clone(v)
		}
	}
	out.StringData = maps.Clone(in.StringData)
	return out
}
