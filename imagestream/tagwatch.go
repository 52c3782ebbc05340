package imagestream

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/storage"
)

// TagChange says that a tag now points at another image, or at none: the
// event image change triggers react to.
type TagChange struct {
	Namespace string
	Stream    string
	Tag       string
	// Previous is the tag's newest event before the change; nil for a new
	// tag.
	Previous *image.TagEvent
	// Current is the newest event now; nil when the tag or its stream was
	// deleted.
	Current *image.TagEvent
	// ResourceVersion is the stream revision of the change; watching from
	// it resumes after this change.
	ResourceVersion int64
	// Err is set on the last change of a watch that had to end early
	// (for example because its start revision was compacted).
	Err error
}

// WatchTags streams the tag changes of the streams in namespace ns (all
// namespaces when empty) that happen after resourceVersion rv (0: from
// now). A tag changes when its newest event's image or pull spec differs;
// generation-only updates are not reported. Changes come in store order,
// tags of one stream write sorted by name. The channel closes when ctx
// ends.
func (s *Service) WatchTags(ctx context.Context, ns string, rv int64) (<-chan TagChange, error) {
	events, err := s.store.Watch(ctx, streamPrefix(ns), rv)
	if err != nil {
		return nil, storageError(err, ResourceImageStreams, "")
	}
	out := make(chan TagChange)
	go func() {
		defer close(out)
		for ev := range events {
			changes := tagChanges(ev)
			for _, c := range changes {
				select {
				case out <- c:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}

// tagChanges diffs the newest events of the stream before and after ev.
func tagChanges(ev storage.Event) []TagChange {
	ns, name := splitStreamKey(ev.Key)
	if ev.Type == storage.Error {
		return []TagChange{{Namespace: ns, Stream: name, ResourceVersion: ev.ResourceVersion, Err: ev.Err}}
	}
	before, after := latestEvents(ev.PrevValue), latestEvents(ev.Value)
	if ev.Type == storage.Deleted {
		after = nil
	}
	var out []TagChange
	for _, tag := range mergedKeys(before, after) {
		prev, cur := before[tag], after[tag]
		if prev != nil && cur != nil && prev.Image == cur.Image && prev.DockerImageReference == cur.DockerImageReference {
			continue
		}
		out = append(out, TagChange{Namespace: ns, Stream: name, Tag: tag, Previous: prev, Current: cur, ResourceVersion: ev.ResourceVersion})
	}
	return out
}

// latestEvents decodes just the status tags of a stored stream.
func latestEvents(value []byte) map[string]*image.TagEvent {
	if value == nil {
		return nil
	}
	var is struct {
		Status struct {
			Tags []image.NamedTagEventList `json:"tags"`
		} `json:"status"`
	}
	if json.Unmarshal(value, &is) != nil {
		return nil
	}
	m := make(map[string]*image.TagEvent, len(is.Status.Tags))
	for i := range is.Status.Tags {
		if items := is.Status.Tags[i].Items; len(items) > 0 {
			m[is.Status.Tags[i].Tag] = &items[0]
		}
	}
	return m
}

func mergedKeys(a, b map[string]*image.TagEvent) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

func splitStreamKey(key string) (ns, name string) {
	rest := strings.TrimPrefix(key, "/imagestreams/")
	ns, name, _ = strings.Cut(rest, "/")
	return ns, name
}
