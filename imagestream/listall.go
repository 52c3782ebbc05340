package imagestream

import (
	"context"

	"github.com/imagestreams/imagestreams/image"
)

// ListAll returns every stream List returns for opts, in List's order
// (storage key order), following the continue tokens page by page
// (opts.Limit items at a time; all at once when it is 0). The pages share
// the snapshot of the first, so the result is consistent however long the
// reading takes, unless the store's history no longer holds that snapshot
// (an Expired error: list again).
func (c *ImageStreams) ListAll(ctx context.Context, opts ListOptions) ([]*image.ImageStream, error) {
	return listAll(ctx, opts, func(ctx context.Context, opts ListOptions) ([]image.ImageStream, string, error) {
		l, err := c.List(ctx, opts)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.Continue, nil
	})
}

// ListAll returns every image List returns for opts, page by page, as
// ImageStreams.ListAll does.
func (c *Images) ListAll(ctx context.Context, opts ListOptions) ([]*image.Image, error) {
	return listAll(ctx, opts, func(ctx context.Context, opts ListOptions) ([]image.Image, string, error) {
		l, err := c.List(ctx, opts)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.Continue, nil
	})
}

// listAll reads every page of list, starting from opts.
func listAll[T any](ctx context.Context, opts ListOptions, list func(context.Context, ListOptions) ([]T, string, error)) ([]*T, error) {
	var out []*T
	for {
		items, next, err := list(ctx, opts)
		if err != nil {
			return nil, err
		}
		for i := range items {
			out = append(out, &items[i])
		}
		if next == "" {
			return out, nil
		}
		opts.Continue = next
	}
}
