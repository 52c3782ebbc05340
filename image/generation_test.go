package image_test

import (
	"testing"

	"github.com/imagestreams/imagestreams/image"
)

// TestLatestObservedGeneration checks SEMANTICS §5.2: the newest event's
// generation or the first ImportSuccess condition's, whichever is larger.
func TestLatestObservedGeneration(t *testing.T) {
	cond := func(typ image.TagEventConditionType, gen int64) image.TagEventCondition {
		return image.TagEventCondition{Type: typ, Status: image.ConditionFalse, Generation: gen}
	}
	tests := []struct {
		name string
		list *image.NamedTagEventList
		want int64
	}{
		{"nil list", nil, 0},
		{"empty list", &image.NamedTagEventList{Tag: "latest"}, 0},
		{"newest event only", &image.NamedTagEventList{Items: []image.TagEvent{{Generation: 4}, {Generation: 9}}}, 4},
		{"condition newer than the event", &image.NamedTagEventList{
			Items: []image.TagEvent{{Generation: 2}}, Conditions: []image.TagEventCondition{cond(image.ImportSuccess, 5)}}, 5},
		{"event newer than the condition", &image.NamedTagEventList{
			Items: []image.TagEvent{{Generation: 7}}, Conditions: []image.TagEventCondition{cond(image.ImportSuccess, 5)}}, 7},
		{"only the first ImportSuccess condition counts", &image.NamedTagEventList{
			Conditions: []image.TagEventCondition{cond("Other", 9), cond(image.ImportSuccess, 3), cond(image.ImportSuccess, 8)}}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.list.LatestObservedGeneration(); got != tt.want {
				t.Errorf("LatestObservedGeneration() = %d, want %d", got, tt.want)
			}
		})
	}
}
