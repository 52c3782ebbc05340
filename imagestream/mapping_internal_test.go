package imagestream

import (
	"context"
	"testing"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/storage/memory"
)

// TestPushLeavesCachedStreamAlone: a push copies what it changes, even
// when the status strategy fills in the generation of an event stored
// without one; the cached stream it started from stays as it was.
func TestPushLeavesCachedStreamAlone(t *testing.T) {
	ctx := context.Background()
	store := memory.New()
	defer store.Close()
	svc := NewService(store)
	// A stream written by another tool: its newest event has no
	// generation.
	raw := `{"kind":"ImageStream","apiVersion":"image.openshift.io/v1","metadata":{"name":"app","namespace":"ns","uid":"u","generation":3},` +
		`"spec":{},"status":{"dockerImageRepository":"","tags":[{"tag":"old","items":[` +
		`{"created":"2024-01-01T00:00:00Z","dockerImageReference":"quay.io/x/y:1","image":"sha256:1","generation":0}]}]}}`
	if _, err := store.Create(ctx, streamKey("ns", "app"), []byte(raw)); err != nil {
		t.Fatal(err)
	}
	cur, err := svc.loadStream(ctx, "ns", "app")
	if err != nil {
		t.Fatal(err)
	}
	m := &image.ImageStreamMapping{
		ObjectMeta: image.ObjectMeta{Namespace: "ns", Name: "app"}, Tag: "new",
		Image: image.Image{ObjectMeta: image.ObjectMeta{Name: "sha256:2"}, DockerImageReference: "quay.io/x/y:2"},
	}
	if _, err := svc.ImageStreamMappings("ns").Create(ctx, m); err != nil {
		t.Fatal(err)
	}
	if got := LatestTaggedImage(cur.stream(), "old").Generation; got != 0 {
		t.Errorf("cached stream changed: generation %d", got)
	}
	is, _, err := svc.getStream(ctx, "ns", "app")
	if err != nil {
		t.Fatal(err)
	}
	if got := LatestTaggedImage(is, "old").Generation; got != 3 {
		t.Errorf("stored generation = %d, want the stream's 3 (SEMANTICS §4.5)", got)
	}
}
