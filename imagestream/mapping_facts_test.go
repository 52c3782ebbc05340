package imagestream_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
)

// TestPushTouchesOnlyItsTagsYetMatchesStatusUpdate checks that a push,
// which looks only at the tags it changes, leaves the stream exactly as
// the general status update of SEMANTICS §4.5 does after appending the
// event (§5.1, §6.2): stored newest events of generation 0 on other tags
// get a generation, tracking tags follow (§5.3), and spec tags stored
// without defaults are defaulted.
func TestPushTouchesOnlyItsTagsYetMatchesStatusUpdate(t *testing.T) {
	tests := []struct {
		name string
		tags []image.TagReference
		// edit changes the stream as stored, bypassing the strategy, as
		// another writer of the store could.
		edit func(is *image.ImageStream)
		push string
	}{
		{name: "§6.2: a push into a new tag", push: "new"},
		{name: "§6.2: a push into an existing tag", push: "old"},
		{name: "§4.5: a stored newest event of generation 0 on another tag gets one", push: "new",
			edit: func(is *image.ImageStream) { imagestream.StatusTag(is, "old").Items[0].Generation = 0 }},
		{name: "§5.3: a tracking tag follows the pushed tag", tags: []image.TagReference{{Name: "follow", From: istFrom("new")}}, push: "new"},
		{name: "§2.1: spec tags stored without defaults are defaulted", tags: []image.TagReference{{Name: "plain"}}, push: "new",
			edit: func(is *image.ImageStream) { is.Spec.Tags[0].ReferencePolicy.Type = "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, clk := newService(t)
			createStream(t, svc, "ns", "app", tt.tags...)
			pushInto(t, svc, "ns", "app", "old", pushed(1))
			if tt.edit != nil {
				rawEdit(t, svc, "/imagestreams/ns/app", tt.edit)
			}
			before := getStream(t, svc, "ns", "app")

			// The general path: append, then the whole status strategy.
			want := before.DeepCopy()
			event := image.TagEvent{Created: image.NewTime(clk.now()), DockerImageReference: registry + "/ns/app@" + pushed(2).Name, Image: pushed(2).Name, Generation: before.Generation}
			if imagestream.AddTagEvent(want, tt.push, event) {
				imagestream.UpdateTrackingTags(want, tt.push, event)
			}
			strategy := imagestream.Strategy{RegistryHostname: registry}
			strategy.PrepareForStatusUpdate(want, before)

			pushInto(t, svc, "ns", "app", tt.push, pushed(2))
			got := getStream(t, svc, "ns", "app")
			got.ResourceVersion = want.ResourceVersion
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("stream after the push (-status update +push):\n%s", diff)
			}
		})
	}
}

// rawEdit rewrites the stream stored at key with edit, without the
// Service: the next read decodes what edit left.
func rawEdit(t *testing.T, svc *imagestream.Service, key string, edit func(is *image.ImageStream)) {
	t.Helper()
	ctx := context.Background()
	obj, err := svc.Store().Get(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	var is image.ImageStream
	if err := json.Unmarshal(obj.Value, &is); err != nil {
		t.Fatal(err)
	}
	edit(&is)
	b, err := json.Marshal(&is)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Store().Update(ctx, key, b, obj.ResourceVersion); err != nil {
		t.Fatal(err)
	}
}
