package image

// ImageSize returns the size OpenShift records in dockerImageMetadata.Size
// for an image with the given layers and config (SEMANTICS §10.2): the
// config's size plus the size of each distinct layer digest, where a layer
// whose digest is the config's digest is not counted again. Pass an empty
// configDigest and 0 for schema 1 images, which have no config blob. A
// manifest list's size is 0 (SEMANTICS §10.3) and is not computed here.
//
// The importer's fallback for images whose size came out 0 (SEMANTICS §8.6)
// counts the config only when no layer has its digest; the two agree
// whenever such a layer's recorded size is the config's length, as it is
// for real content.
func ImageSize(layers []ImageLayer, configDigest string, configSize int64) int64 {
	size := configSize
	// Manifests rarely have more than a few dozen layers: a linear scan
	// for duplicates beats a map for those.
	if len(layers) <= 64 {
		for i, l := range layers {
			if l.Name == configDigest && configDigest != "" || seenBefore(layers[:i], l.Name) {
				continue
			}
			size += l.LayerSize
		}
		return size
	}
	seen := make(map[string]struct{}, len(layers)+1)
	if configDigest != "" {
		seen[configDigest] = struct{}{}
	}
	for _, l := range layers {
		if _, ok := seen[l.Name]; ok {
			continue
		}
		seen[l.Name] = struct{}{}
		size += l.LayerSize
	}
	return size
}

func seenBefore(layers []ImageLayer, name string) bool {
	for _, l := range layers {
		if l.Name == name {
			return true
		}
	}
	return false
}
