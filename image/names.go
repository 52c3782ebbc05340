package image

import (
	"errors"
	"fmt"
	"strings"

	"github.com/opencontainers/go-digest"
)

// ErrInvalidName is matched by errors.Is for the errors of
// ParseImageStreamTagName and ParseImageStreamImageName.
var ErrInvalidName = errors.New("invalid name")

// nameError keeps OpenShift's exact message (SEMANTICS §5.5) while
// unwrapping to ErrInvalidName.
type nameError struct{ msg string }

func (e *nameError) Error() string { return e.msg }
func (e *nameError) Unwrap() error { return ErrInvalidName }

// SplitImageStreamTag splits "stream:tag" at its first ":". A missing or
// empty tag yields DefaultImageTag; ok reports whether s had a ":"
// (SEMANTICS §5.5).
func SplitImageStreamTag(s string) (name, tag string, ok bool) {
	name, tag, ok = strings.Cut(s, ":")
	if tag == "" {
		tag = DefaultImageTag
	}
	return name, tag, ok
}

// SplitImageStreamImage splits "stream@id" at its first "@"; ok reports
// whether s had an "@" (SEMANTICS §5.5).
func SplitImageStreamImage(s string) (name, id string, ok bool) {
	return strings.Cut(s, "@")
}

// JoinImageStreamTag returns "name:tag", with DefaultImageTag for an empty
// tag (SEMANTICS §5.5).
func JoinImageStreamTag(name, tag string) string {
	if tag == "" {
		tag = DefaultImageTag
	}
	return name + ":" + tag
}

// JoinImageStreamImage returns "name@id" (SEMANTICS §5.5).
func JoinImageStreamImage(name, id string) string {
	return name + "@" + id
}

// ParseImageStreamTagName splits the name of an ImageStreamTag or ImageTag,
// "stream:tag", requiring exactly one ":" with non-empty parts on both
// sides and no "@" (SEMANTICS §5.5). Errors match ErrInvalidName and carry
// OpenShift's messages.
func ParseImageStreamTagName(s string) (name, tag string, err error) {
	if strings.Contains(s, "@") {
		return "", "", &nameError{fmt.Sprintf("%q is an image stream image, not an image stream tag", s)}
	}
	name, tag, ok := strings.Cut(s, ":")
	if !ok || strings.Contains(tag, ":") {
		return "", "", &nameError{fmt.Sprintf("expected exactly one : delimiter in the istag %q", s)}
	}
	if name == "" || tag == "" {
		return "", "", &nameError{fmt.Sprintf("image stream tag name %q must have a name and a tag", s)}
	}
	return name, tag, nil
}

// ParseImageStreamImageName splits the name of an ImageStreamImage,
// "stream@id", requiring exactly one "@" with non-empty parts on both sides
// (SEMANTICS §5.5). Errors match ErrInvalidName and carry OpenShift's
// messages.
func ParseImageStreamImageName(s string) (name, id string, err error) {
	name, id, ok := strings.Cut(s, "@")
	if !ok || strings.Contains(id, "@") {
		return "", "", &nameError{fmt.Sprintf("expected exactly one @ in the isimage name %q", s)}
	}
	if name == "" || id == "" {
		return "", "", &nameError{fmt.Sprintf("image stream image name %q must have a name and ID", s)}
	}
	return name, id, nil
}

// DigestOrImageMatch reports whether the image name imageName matches id,
// a full name or a prefix of it: when imageName is a valid digest, id may
// also be a prefix of its hex part alone (SEMANTICS §5.4). There is no
// minimum prefix length, so an empty id matches everything.
func DigestOrImageMatch(imageName, id string) bool {
	if d, err := digest.Parse(imageName); err == nil {
		return strings.HasPrefix(d.Encoded(), id) || strings.HasPrefix(imageName, id)
	}
	return strings.HasPrefix(imageName, id)
}
