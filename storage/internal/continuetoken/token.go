package continuetoken

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"github.com/imagestreams/imagestreams/storage"
)

// formatV2 is the first byte of every token of the current format. Format
// 1 did not record the prefix, so its tokens fit any list whose prefix
// their key starts with; Decode rejects them.
const formatV2 = 2

// maxTokenLength bounds the input Decode will look at: the unpadded base64
// length of the longest token, a format byte, a revision, a prefix length
// and the longest valid key. Anything longer cannot be a token we produced.
const maxTokenLength = (8*(1+2*binary.MaxVarintLen64+storage.MaxKeyLength) + 5) / 6

// Encode returns the token for a page chain of the list of prefix reading
// snapshot rv, whose last returned key is after. after must start with
// prefix, as every key of that list does.
func Encode(rv int64, prefix, after string) string {
	b := make([]byte, 0, 1+2*binary.MaxVarintLen64+len(after))
	b = append(b, formatV2)
	b = binary.AppendUvarint(b, uint64(rv))
	b = binary.AppendUvarint(b, uint64(len(prefix)))
	b = append(b, after...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Decode parses a token produced by Encode for a list of prefix, returning
// the snapshot revision and the key to continue after. It fails with an
// error wrapping storage.ErrInvalidToken when the token is malformed, its
// revision is not positive, its key is invalid, or it was issued for a
// list of another prefix.
func Decode(token, prefix string) (rv int64, after string, err error) {
	if len(token) > maxTokenLength {
		return 0, "", fmt.Errorf("%w: %d bytes", storage.ErrInvalidToken, len(token))
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil {
		return 0, "", fmt.Errorf("%w: %w", storage.ErrInvalidToken, err)
	}
	if len(raw) == 0 || raw[0] != formatV2 {
		return 0, "", fmt.Errorf("%w: unknown format", storage.ErrInvalidToken)
	}
	raw = raw[1:]
	u, n := binary.Uvarint(raw)
	switch {
	case n <= 0:
		return 0, "", fmt.Errorf("%w: bad resourceVersion", storage.ErrInvalidToken)
	case u == 0 || u > math.MaxInt64:
		return 0, "", fmt.Errorf("%w: resourceVersion %d", storage.ErrInvalidToken, u)
	}
	raw = raw[n:]
	plen, n := binary.Uvarint(raw)
	if n <= 0 {
		return 0, "", fmt.Errorf("%w: bad prefix length", storage.ErrInvalidToken)
	}
	key := string(raw[n:])
	switch {
	case storage.ValidateKey(key) != nil:
		return 0, "", fmt.Errorf("%w: invalid key %q", storage.ErrInvalidToken, key)
	// The key starts with the token's prefix, so equal lengths and a
	// common start mean equal prefixes.
	case plen != uint64(len(prefix)) || !strings.HasPrefix(key, prefix):
		return 0, "", fmt.Errorf("%w: not a token of the list of %q", storage.ErrInvalidToken, prefix)
	}
	return int64(u), key, nil
}
