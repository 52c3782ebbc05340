package imagestream

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/storage"
)

// TagChange says that a tag now points at another image, or at none: what
// image change triggers react to (SEMANTICS §0, "Imagestream change
// triggers" in the documentation).
type TagChange struct {
	Namespace string
	Stream    string
	Tag       string
	// Previous is the tag's newest event before the change; nil for a tag
	// that had no history (a new tag, or a new stream).
	Previous *image.TagEvent
	// Current is the newest event now; nil when the tag's history, or the
	// whole stream, was deleted.
	Current *image.TagEvent
	// ResourceVersion is the stream revision of the change. Watching from
	// it resumes after the change: several changes can share a revision,
	// and resuming skips them all.
	ResourceVersion string
	// Err is set, alone, on the last value of a watch that had to end
	// early: an Expired StatusError (errors.Is(err, storage.ErrTooOld))
	// when the watch started, or fell, behind the store's history.
	Err error
}

// WatchTags streams the tag changes of the streams in namespace ns (all
// namespaces when ns is empty) that happen after opts.ResourceVersion
// (see WatchOptions). A tag changes when its newest event names another
// image or pull spec, or appears, or disappears (the tag or its stream
// deleted); a new event that differs only in generation or creation time
// is no change for a trigger. Changes come in store order; those of one
// write come sorted by tag. The channel is closed when ctx ends, or after
// a change carrying Err.
//
// Changes are computed from the old and new value of each stored stream,
// which every backend of this module provides while its history covers
// the change. It takes no selectors: setting opts.LabelSelector or
// opts.FieldSelector is a BadRequest, not a filter silently ignored.
func (s *Service) WatchTags(ctx context.Context, ns string, opts WatchOptions) (<-chan TagChange, error) {
	if opts.LabelSelector != "" || opts.FieldSelector != "" {
		return nil, NewBadRequest("WatchTags does not take a label or field selector")
	}
	rv, err := parseRV(opts.ResourceVersion)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	events, err := s.store.Watch(ctx, streamPrefix(ns), rv)
	if err != nil {
		cancel()
		return nil, storageError(err, ResourceImageStreams, "")
	}
	out := make(chan TagChange)
	go func() {
		defer close(out)
		defer cancel() // the store watch ends with this one, even if the store would not end it
		for ev := range events {
			for _, c := range tagChanges(ev) {
				select {
				case out <- c:
				case <-ctx.Done():
					return
				}
				if c.Err != nil {
					return
				}
			}
		}
	}()
	return out, nil
}

// tagChanges diffs the newest events of the stream before and after ev.
func tagChanges(ev storage.Event) []TagChange {
	if ev.Type == storage.Error {
		// Err alone: the key and revision of an error event name no
		// change, and a resourceVersion of "0" would resume from now.
		return []TagChange{{Err: storageError(ev.Err, ResourceImageStreams, "")}}
	}
	ns, name := splitStreamKey(ev.Key)
	rv := formatRV(ev.ResourceVersion)
	before := newestEvents(ev.PrevValue)
	var after []namedEvent
	if ev.Type != storage.Deleted {
		after = newestEvents(ev.Value)
	}
	var out []TagChange
	change := func(tag string, prev, cur *image.TagEvent) {
		if prev != nil && cur != nil && prev.Image == cur.Image && prev.DockerImageReference == cur.DockerImageReference {
			return
		}
		out = append(out, TagChange{Namespace: ns, Stream: name, Tag: tag, Previous: prev, Current: cur, ResourceVersion: rv})
	}
	// Both lists are sorted by tag: merge them.
	i, j := 0, 0
	for i < len(before) || j < len(after) {
		switch {
		case j == len(after) || (i < len(before) && before[i].tag < after[j].tag):
			change(before[i].tag, before[i].event, nil)
			i++
		case i == len(before) || after[j].tag < before[i].tag:
			change(after[j].tag, nil, after[j].event)
			j++
		default:
			change(before[i].tag, before[i].event, after[j].event)
			i++
			j++
		}
	}
	return out
}

type namedEvent struct {
	tag   string
	event *image.TagEvent
}

// newestEvents decodes the status tags of a stored stream and returns the
// newest event of each tag that has one, sorted by tag.
func newestEvents(value []byte) []namedEvent {
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
	all := make([]namedEvent, len(is.Status.Tags))
	for i := range is.Status.Tags {
		all[i].tag = is.Status.Tags[i].Tag
		if items := is.Status.Tags[i].Items; len(items) > 0 {
			all[i].event = &items[0]
		}
	}
	// Stored streams are sorted; sort anyway, the last duplicate winning
	// as in Normalize, and drop tags without history.
	slices.SortStableFunc(all, func(a, b namedEvent) int { return strings.Compare(a.tag, b.tag) })
	dedup := all[:0]
	for i, e := range all {
		if (i+1 < len(all) && all[i+1].tag == e.tag) || e.event == nil {
			continue
		}
		dedup = append(dedup, e)
	}
	return dedup
}
