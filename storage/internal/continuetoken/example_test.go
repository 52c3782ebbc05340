package continuetoken_test

import (
	"errors"
	"fmt"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/internal/continuetoken"
)

func Example() {
	// A backend returned the page of List("/images/") ending at
	// "/images/b", read at revision 42.
	token := continuetoken.Encode(42, "/images/", "/images/b")

	rv, after, err := continuetoken.Decode(token, "/images/")
	fmt.Println(rv, after, err)

	// The same token presented for another list is rejected, even for a
	// list whose prefix the key also starts with.
	_, _, err = continuetoken.Decode(token, "/imagestreams/")
	fmt.Println(errors.Is(err, storage.ErrInvalidToken))
	_, _, err = continuetoken.Decode(token, "/")
	fmt.Println(errors.Is(err, storage.ErrInvalidToken))
	// Output:
	// 42 /images/b <nil>
	// true
	// true
}
