package prune

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/imagestreams/imagestreams/image"
)

// Container is a container of a pod spec: its name and image.
type Container struct {
	Name  string `json:"name"`
	Image string `json:"image"`
}

// PodSpec is the part of a pod spec pruning reads. Ephemeral containers
// are left out, as oc leaves them out.
type PodSpec struct {
	InitContainers []Container `json:"initContainers,omitempty"`
	Containers     []Container `json:"containers,omitempty"`
}

// Workload is a Kubernetes or OpenShift object reduced to the images it
// uses: a Pod, a controller with a pod template (ReplicationController,
// ReplicaSet, Deployment, DeploymentConfig, DaemonSet, StatefulSet, Job),
// a CronJob, or a Build or BuildConfig — the owners oc consults (PRUNE.md
// §1.2).
type Workload struct {
	Kind      string
	Namespace string
	Name      string
	Created   time.Time
	// Phase is a Pod's status.phase. A Pod is active while Running or
	// Pending; every other kind is always active. An empty Phase counts
	// as finished, as in oc (a stored Pod always has one), so a Pod built
	// by hand protects its images only while young unless Phase is set.
	Phase string
	// Spec is the pod spec (a Pod's spec, or the template's).
	Spec PodSpec
	// BuildStrategy is a Build's or BuildConfig's strategy type: "Source",
	// "Docker" or "Custom".
	BuildStrategy string
	// BuildFrom is the strategy's input image, or nil.
	BuildFrom *image.ObjectReference
}

// References returns the references w holds, with their field paths.
// Blank images and a build input without a kind are skipped, as oc
// skips them.
func (w *Workload) References() []Reference {
	owner := Owner{Kind: w.Kind, Namespace: w.Namespace, Name: w.Name}
	active := w.Kind != "Pod" || w.Phase == "Running" || w.Phase == "Pending"
	var out []Reference
	if w.BuildFrom != nil && w.BuildFrom.Kind != "" { // oc ignores a kindless input
		out = append(out, Reference{
			Owner: owner, FieldPath: "spec.strategy." + lowerFirst(w.BuildStrategy) + "Strategy.from",
			Kind: w.BuildFrom.Kind, Namespace: w.BuildFrom.Namespace, Spec: w.BuildFrom.Name,
			Inactive: !active, Created: w.Created,
		})
	}
	prefix := podSpecPath(w.Kind)
	add := func(field string, cs []Container) {
		for i, c := range cs {
			if strings.TrimSpace(c.Image) == "" {
				continue
			}
			out = append(out, Reference{
				Owner: owner, FieldPath: fmt.Sprintf("%s.%s[%d].image", prefix, field, i),
				Spec: c.Image, Inactive: !active, Created: w.Created,
			})
		}
	}
	add("initContainers", w.Spec.InitContainers)
	add("containers", w.Spec.Containers)
	return out
}

func podSpecPath(kind string) string {
	switch kind {
	case "Pod":
		return "spec"
	case "CronJob":
		return "spec.jobTemplate.spec.template.spec"
	}
	return "spec.template.spec"
}

func lowerFirst(s string) string {
	if s == "" {
		return "source"
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// header is what DecodeWorkloads reads of every object: other kinds are
// skipped before their spec is read, whatever shape it has.
type header struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// Items is read only from a list that may hold workloads.
	Items json.RawMessage `json:"items"`
}

// object is the subset of a workload's JSON that holds images.
type object struct {
	Metadata objectMeta   `json:"metadata"`
	Spec     objectSpec   `json:"spec"`
	Status   objectStatus `json:"status"`
}

// The parts of object are named types so that a decoding error names a
// type, not a page of anonymous struct fields.
type (
	objectMeta struct {
		Namespace         string     `json:"namespace"`
		Name              string     `json:"name"`
		CreationTimestamp image.Time `json:"creationTimestamp"`
	}
	objectSpec struct {
		PodSpec
		Template    *podTemplate `json:"template"`
		JobTemplate *jobTemplate `json:"jobTemplate"`
		Strategy    *strategies  `json:"strategy"`
	}
	podTemplate struct{ Spec PodSpec }
	jobTemplate struct {
		Spec struct{ Template podTemplate }
	}
	strategies struct {
		SourceStrategy *buildStrategy `json:"sourceStrategy"`
		DockerStrategy *buildStrategy `json:"dockerStrategy"`
		CustomStrategy *buildStrategy `json:"customStrategy"`
	}
	objectStatus struct {
		Phase string `json:"phase"`
	}
)

// workloadKind reports whether oc reads objects of kind in the API group
// of apiVersion (PRUNE.md §1.1). The core group ("v1") also holds
// OpenShift's kinds in their legacy form, and "extensions" the older
// form of apps' kinds: the same objects, fetched in another version. An
// object without an apiVersion is taken by its kind alone.
func workloadKind(apiVersion, kind string) bool {
	var groups []string
	switch kind {
	case "Pod", "ReplicationController":
		groups = []string{""}
	case "ReplicaSet", "Deployment", "DaemonSet", "StatefulSet":
		groups = []string{"apps", "extensions"}
	case "Job", "CronJob":
		groups = []string{"batch"}
	case "DeploymentConfig":
		groups = []string{"apps.openshift.io", ""}
	case "Build", "BuildConfig":
		groups = []string{"build.openshift.io", ""}
	default:
		return false
	}
	if apiVersion == "" {
		return true
	}
	group, _, ok := strings.Cut(apiVersion, "/")
	if !ok {
		group = "" // "v1": the core group
	}
	return slices.Contains(groups, group)
}

type buildStrategy struct {
	From *image.ObjectReference `json:"from"`
}

// DecodeWorkloads reads Kubernetes objects as `oc get … -o json` prints
// them — one object or a List — and returns the references of every
// workload among them: the kinds oc reads, in the API groups it reads
// them from. Objects of other kinds, or of the same kind in another group
// (a custom resource named StatefulSet, say), are skipped unread, and so
// are typed lists of them. The items of a typed list, such as the
// PodList the API server returns, carry no kind or apiVersion of their
// own: they take the list's. Lists may nest up to 32 deep.
func DecodeWorkloads(data []byte) ([]Reference, error) {
	refs, err := decodeWorkloads(data, header{}, 0)
	if err != nil {
		// One prefix, before the path of the item that failed.
		return nil, fmt.Errorf("prune: %w", err)
	}
	return refs, nil
}

// maxListDepth bounds how deep Lists may nest. Each level decodes its
// items again, so the cost grows with the square of the depth: 4,000
// levels in 100 kB took seconds. The API server nests none, and a List
// file wraps its items once.
const maxListDepth = 32

// decodeWorkloads is DecodeWorkloads with the kind and apiVersion of an
// object that names none, depth Lists down.
func decodeWorkloads(data []byte, typed header, depth int) ([]Reference, error) {
	var h header
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, fmt.Errorf("decoding workloads: %w", err)
	}
	if h.Kind == "" {
		h.Kind = typed.Kind
	}
	if h.APIVersion == "" {
		h.APIVersion = typed.APIVersion
	}
	if itemKind, ok := strings.CutSuffix(h.Kind, "List"); ok {
		if depth == maxListDepth {
			return nil, fmt.Errorf("decoding %s: Lists nested more than %d deep", h.Kind, maxListDepth)
		}
		items := header{Kind: itemKind}
		if itemKind != "" { // a typed list; a List's items name their own
			items.APIVersion = h.APIVersion
			if !workloadKind(items.APIVersion, itemKind) {
				return nil, nil
			}
		}
		var raws []json.RawMessage
		if len(h.Items) > 0 {
			if err := json.Unmarshal(h.Items, &raws); err != nil {
				return nil, fmt.Errorf("decoding %s items: %w", h.Kind, err)
			}
		}
		var out []Reference
		for i, raw := range raws {
			refs, err := decodeWorkloads(raw, items, depth+1)
			if err != nil {
				return nil, fmt.Errorf("items[%d]: %w", i, err)
			}
			out = append(out, refs...)
		}
		return out, nil
	}
	if !workloadKind(h.APIVersion, h.Kind) {
		return nil, nil
	}
	var o object
	if err := json.Unmarshal(data, &o); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", h.Kind, err)
	}
	w := Workload{Kind: h.Kind, Namespace: o.Metadata.Namespace, Name: o.Metadata.Name, Created: o.Metadata.CreationTimestamp.Time, Phase: o.Status.Phase}
	switch h.Kind {
	case "Pod":
		w.Spec = o.Spec.PodSpec
	case "CronJob":
		if o.Spec.JobTemplate != nil {
			w.Spec = o.Spec.JobTemplate.Spec.Template.Spec
		}
	case "Build", "BuildConfig":
		if s := o.Spec.Strategy; s != nil {
			// oc's GetInputReference: the first strategy set wins.
			for _, st := range []struct {
				typ string
				s   *buildStrategy
			}{{"Source", s.SourceStrategy}, {"Docker", s.DockerStrategy}, {"Custom", s.CustomStrategy}} {
				if st.s != nil {
					w.BuildStrategy, w.BuildFrom = st.typ, st.s.From
					break
				}
			}
		}
	default: // a controller with a pod template
		if o.Spec.Template != nil {
			w.Spec = o.Spec.Template.Spec
		}
	}
	return w.References(), nil
}
