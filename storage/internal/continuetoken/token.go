package continuetoken

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"github.com/imagestreams/imagestreams/storage"
)

// formatV1 is the first byte of every token of the current format.
const formatV1 = 1

// maxTokenLength bounds the input Decode will look at: the unpadded base64
// length of the longest token, a format byte, a revision and the longest
// valid key. Anything longer cannot be a token we produced.
const maxTokenLength = (8*(1+binary.MaxVarintLen64+storage.MaxKeyLength) + 5) / 6

// Encode returns the token for a page chain reading snapshot rv whose last
// returned key is after.
func Encode(rv int64, after string) string {
	b := make([]byte, 0, 1+binary.MaxVarintLen64+len(after))
	b = append(b, formatV1)
	b = binary.AppendUvarint(b, uint64(rv))
	b = append(b, after...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Decode parses a token produced by Encode for a list of prefix, returning
// the snapshot revision and the key to continue after. It fails with an
// error wrapping storage.ErrInvalidToken when the token is malformed, its
// revision is not positive, or its key is invalid or outside prefix (a
// token of another list).
func Decode(token, prefix string) (rv int64, after string, err error) {
	if len(token) > maxTokenLength {
		return 0, "", fmt.Errorf("%w: %d bytes", storage.ErrInvalidToken, len(token))
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil {
		return 0, "", fmt.Errorf("%w: %w", storage.ErrInvalidToken, err)
	}
	if len(raw) == 0 || raw[0] != formatV1 {
		return 0, "", fmt.Errorf("%w: unknown format", storage.ErrInvalidToken)
	}
	u, n := binary.Uvarint(raw[1:])
	switch {
	case n <= 0:
		return 0, "", fmt.Errorf("%w: bad resourceVersion", storage.ErrInvalidToken)
	case u == 0 || u > math.MaxInt64:
		return 0, "", fmt.Errorf("%w: resourceVersion %d", storage.ErrInvalidToken, u)
	}
	key := string(raw[1+n:])
	switch {
	case storage.ValidateKey(key) != nil:
		return 0, "", fmt.Errorf("%w: invalid key %q", storage.ErrInvalidToken, key)
	case !strings.HasPrefix(key, prefix):
		return 0, "", fmt.Errorf("%w: key %q is not under prefix %q", storage.ErrInvalidToken, key, prefix)
	}
	return int64(u), key, nil
}
