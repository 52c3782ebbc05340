package describe

import (
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/reference"
)

// ErrNilObject is returned when the object to describe is nil.
var ErrNilObject = errors.New("describe: nil object")

// tagNotes are the annotations of a spec tag that oc shows as prose under
// the tag, in this order, with these captions ("" prints the value
// alone). List-valued ones ("builder,ruby") read as "builder, ruby"
// ([commaList]).
var tagNotes = [...]struct {
	key, caption string
	list         bool
}{
	{"description", "", false},
	{"tags", "Tags: ", true},
	{"supports", "Supports: ", true},
	{"sampleRepo", "Example Repo: ", false},
}

// ImageStream writes is to w as `oc describe is/<name>` prints it, with
// ages measured at now: the header (name, namespace, created, labels,
// annotations, pull spec, image lookup, unique images, tag count), then
// one block per tag, in OpenShift's PrioritizeTags order (SEMANTICS §5.5:
// "latest", then versions newest first, then the rest), with where the
// tag comes from and its history, newest first:
//
//	3.5
//	  tagged from centos/python-35-centos7
//
//	  * centos/python-35-centos7@sha256:49c1…
//	      About a minute ago
//
// Tags known only to status (pushed by the registry) read "no spec tag"
// and spec tags without a source "tag without source image", as oc
// formatImageStreamTags prints them; a failed import shows its
// ImportSuccess condition as "! error: …" above the history (SEMANTICS
// §8.9). A tag without events prints no history at all, as in oc
// formatImageStreamTags, so its block ends in a blank line. A tag whose
// spec generation is newer than what the history and import conditions
// have observed, and that is not a reference, reads "~ importing latest
// image ..." above its history. The pull spec is
// status.publicDockerImageRepository when set, else
// status.dockerImageRepository.
//
// An event whose pull spec parses (SEMANTICS §9) but does not name its
// image by digest shows the image name after its age, "5 minutes
// ago<TAB>sha256:…", as oc does; an event's pull spec is printed even
// when it is empty, and an import error's message as stored.
//
// A tag that follows another tag of the stream is listed in parentheses
// after the tag its chain ends at, "latest (stable)", and has no block of
// its own, as oc formatImageStreamTags prints it.
//
// A "description" annotation is shown as a "Description:" line above the
// other annotations, as oc formatAnnotations does. The Namespace line is
// left out when the stream has none, as oc formatMeta does. A stream
// without tags ends in "Tags: <none>", without a Unique Images line.
// Unique Images counts distinct image names in the history; events that
// name no image but have a pull spec count together as one more, as oc
// counts them.
//
// The output depends only on is and now, and reaches w in a single Write.
func ImageStream(w io.Writer, is *image.ImageStream, now time.Time) error {
	if is == nil {
		return ErrNilObject
	}
	p := newPrinter(now)
	p.buf.Grow(outputSize(is))
	p.field("Name", orNone(is.Name))
	if is.Namespace != "" {
		p.field("Namespace", clean(is.Namespace)) // as oc formatMeta
	}
	if !is.CreationTimestamp.IsZero() {
		p.field("Created", ago(is.CreationTimestamp, now))
	}
	p.list("Labels", keyValues(is.Labels))
	p.annotations(is.Annotations)
	repo := is.Status.PublicDockerImageRepository
	if repo == "" {
		repo = is.Status.DockerImageRepository
	}
	p.field("Docker Pull Spec", orNone(repo))
	p.field("Image Lookup", "local="+strconv.FormatBool(is.Spec.LookupPolicy.Local))

	spec, status := indexTags(is)
	names := make([]string, 0, len(spec)+len(status))
	for name := range spec {
		names = append(names, name)
	}
	for name := range status {
		if _, ok := spec[name]; !ok {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		// oc formatImageStreamTags has no Unique Images line here.
		p.field("Tags", none)
		return p.finish(w)
	}
	p.field("Unique Images", strconv.Itoa(uniqueImages(is)))
	p.field("Tags", strconv.Itoa(len(names)))
	image.PrioritizeTags(names)
	aliases := followers(is, spec)
	for _, name := range names {
		if list, ok := aliases[name]; ok && list == nil {
			continue // listed after the tag it follows
		}
		p.line()
		tagBlock(p, is, name, aliases[name], spec[name], status[name])
	}
	return p.finish(w)
}

// indexTags maps tag names to their spec and status entries; when a list
// names a tag twice the last entry wins, as on the server (SEMANTICS §2.3).
func indexTags(is *image.ImageStream) (map[string]*image.TagReference, map[string]*image.NamedTagEventList) {
	spec := make(map[string]*image.TagReference, len(is.Spec.Tags))
	for i := range is.Spec.Tags {
		spec[is.Spec.Tags[i].Name] = &is.Spec.Tags[i]
	}
	status := make(map[string]*image.NamedTagEventList, len(is.Status.Tags))
	for i := range is.Status.Tags {
		status[is.Status.Tags[i].Tag] = &is.Status.Tags[i]
	}
	return spec, status
}

// outputSize estimates the length of the description, so that a stream
// with a long history is written without regrowing the buffer.
func outputSize(is *image.ImageStream) int {
	n := 512
	for _, l := range is.Status.Tags {
		n += 64 + len(l.Tag)
		for _, e := range l.Items {
			n += len(e.DockerImageReference) + 32 // indent, mark, age line
		}
	}
	for _, t := range is.Spec.Tags {
		n += 64 + len(t.Name)
		if t.From != nil {
			n += len(t.From.Name)
		}
	}
	return n
}

// uniqueImages counts the distinct images named anywhere in the history
// as oc formatImageStreamTags counts them: by image name, and, for
// events without an image name but with a pull spec, under one shared
// empty key (oc checks for the pull spec but stores the empty name), so
// that all such events together count as one image.
func uniqueImages(is *image.ImageStream) int {
	seen := make(map[string]struct{})
	for _, l := range is.Status.Tags {
		for _, e := range l.Items {
			switch {
			case e.Image != "":
				seen[e.Image] = struct{}{}
			case e.DockerImageReference != "":
				if _, ok := seen[e.DockerImageReference]; !ok {
					seen[""] = struct{}{}
				}
			}
		}
	}
	return len(seen)
}

func tagBlock(p *printer, is *image.ImageStream, name string, aliases []string, spec *image.TagReference, hist *image.NamedTagEventList) {
	if len(aliases) > 0 {
		p.line(clean(name), " (", clean(strings.Join(aliases, ", ")), ")")
	} else {
		p.line(clean(name))
	}
	switch {
	case spec == nil:
		p.line("  no spec tag")
	case spec.From == nil:
		p.line("  tag without source image")
	default:
		from := clean(fromName(is, spec.From))
		p.line("  ", sourcePhrase(spec), from)
		if spec.ImportPolicy.Insecure {
			p.line("    will use insecure HTTPS or HTTP connections")
		}
		if spec.ImportPolicy.ImportMode == image.ImportModePreserveOriginal {
			p.line("    imports the whole manifest list (PreserveOriginal)")
		}
	}
	if spec != nil && spec.ReferencePolicy.Type == image.LocalTagReferencePolicy {
		p.line("    prefer registry pullthrough when referencing this tag")
	}
	if spec != nil && hasNotes(spec.Annotations) {
		p.line()
		for _, n := range tagNotes {
			if v := spec.Annotations[n.key]; v != "" {
				if n.list {
					v = commaList(v)
				}
				p.line("  ", n.caption, clean(v))
			}
		}
	}
	p.line()
	if importing(spec, hist) {
		p.line("  ~ importing latest image ...")
	}
	if hist == nil {
		return
	}
	for _, c := range hist.Conditions {
		if c.Type == image.ImportSuccess && c.Status == image.ConditionFalse {
			// The message as stored: the server fills in one when the
			// importer gave none (SEMANTICS §8.9); oc does not.
			p.line("  ! error: Import failed (", clean(string(c.Reason)), "): ", clean(c.Message))
			p.ageLine(c.LastTransitionTime)
		}
	}
	for i, e := range hist.Items {
		mark := "    "
		if i == 0 {
			mark = "  * "
		}
		// oc prints the pull spec even when it is empty, with the image
		// name after the age.
		p.line(mark, clean(e.DockerImageReference))
		p.eventAgeLine(e.Created, eventID(e))
	}
}

// importing reports whether oc formatImageStreamTags would show the tag
// as being imported: it has a source, is not a reference, and its spec
// generation is newer than the latest the controller observed
// (oc latestObservedTagGeneration).
func importing(spec *image.TagReference, hist *image.NamedTagEventList) bool {
	if spec == nil || spec.From == nil || spec.Reference || spec.Generation == nil {
		return false
	}
	return *spec.Generation > hist.LatestObservedGeneration()
}

// followers maps the tags of is that follow another tag of the same
// stream, through one or more ImageStreamTag sources, to nil, and the tag
// each chain ends at to its followers in PrioritizeTags order, as oc
// formatImageStreamTags groups them with FollowTagReference. A chain
// that loops, leaves the stream or ends at a missing tag groups nothing.
func followers(is *image.ImageStream, spec map[string]*image.TagReference) map[string][]string {
	var m map[string][]string
	for name := range spec {
		target, ok := followTag(is, spec, name)
		if !ok {
			continue
		}
		if m == nil {
			m = make(map[string][]string)
		}
		m[name] = nil
		m[target] = append(m[target], name)
	}
	for target, names := range m {
		if len(names) > 0 {
			image.PrioritizeTags(names)
			m[target] = names
		}
	}
	return m
}

// followTag follows the ImageStreamTag sources of tag within is, as oc
// FollowTagReference does, and returns the tag the chain ends at; ok is
// false when tag does not follow another tag of is or the chain is
// broken.
func followTag(is *image.ImageStream, spec map[string]*image.TagReference, tag string) (target string, ok bool) {
	seen := make(map[string]bool)
	hops := 0
	for {
		if seen[tag] {
			return "", false // a loop
		}
		seen[tag] = true
		ref := spec[tag]
		if ref == nil {
			return "", false
		}
		if ref.From == nil || ref.From.Kind != image.KindImageStreamTag {
			return tag, hops > 0
		}
		if ns := ref.From.Namespace; ns != "" && ns != is.Namespace {
			return "", false
		}
		next := ref.From.Name
		if stream, t, found := strings.Cut(next, ":"); found {
			if stream != is.Name {
				return "", false
			}
			if t == "" {
				t = image.DefaultImageTag
			}
			next = t
		}
		tag = next
		hops++
	}
}

// eventID is the image name oc formatImageStreamTags shows after the age
// of an event: the event's image when its pull spec parses (SEMANTICS
// §9) and does not carry that image's digest (a pull spec by tag, say),
// else "".
func eventID(e image.TagEvent) string {
	if e.Image == "" {
		return ""
	}
	ref, err := reference.Parse(e.DockerImageReference)
	if err != nil || ref.ID == e.Image {
		return ""
	}
	return e.Image
}

// sourcePhrase is the words oc formatImageStreamTags puts before the
// source of a spec tag; they depend on the kind of the source, on
// whether the tag is a reference and, for stream tags and registry
// images, on whether it is imported on a schedule. An unknown kind is
// named: "reference to <Kind> " or "updates from <Kind> ".
func sourcePhrase(spec *image.TagReference) string {
	ref, scheduled := spec.Reference, spec.ImportPolicy.Scheduled
	switch kind := spec.From.Kind; kind {
	case image.KindImageStreamTag:
		switch {
		case ref:
			return "reference to "
		case scheduled:
			return "updates automatically from "
		}
	case image.KindDockerImage:
		switch {
		case ref:
			return "reference to registry "
		case scheduled:
			return "updates automatically from registry "
		}
	case image.KindImageStreamImage:
		if ref {
			return "reference to image "
		}
	default:
		if ref {
			return "reference to " + clean(kind) + " "
		}
		return "updates from " + clean(kind) + " "
	}
	return "tagged from "
}

// fromName is the source of a spec tag as oc shows it: the name, with the
// namespace in front when the reference names another namespace, for
// any kind: oc formatImageStreamTags does not exempt DockerImage sources.
func fromName(is *image.ImageStream, from *image.ObjectReference) string {
	if from.Namespace != "" && from.Namespace != is.Namespace {
		return from.Namespace + "/" + from.Name
	}
	return from.Name
}

func hasNotes(annotations map[string]string) bool {
	for _, n := range tagNotes {
		if annotations[n.key] != "" {
			return true
		}
	}
	return false
}

// commaList puts a space after each comma, as oc formatImageStreamTags
// does for the "tags" and "supports" notes: "a,b" reads "a, b". Spaces
// already there are kept, so "a, b" reads "a,  b" in oc too.
func commaList(s string) string {
	return strings.ReplaceAll(s, ",", ", ")
}
