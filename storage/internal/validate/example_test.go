package validate_test

import (
	"fmt"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/internal/validate"
)

func Example() {
	fmt.Println(storage.ValidateKey("/a/../b"))
	fmt.Println(validate.Key("get", "/a/../b"))
	// Output:
	// validate /a/../b: invalid key: ".." segment
	// get /a/../b: invalid key: ".." segment
}
