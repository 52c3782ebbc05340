package etcdtest_test

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/imagestreams/imagestreams/internal/etcdtest"
)

// New starts a server for a whole test binary, from a TestMain; the
// caller closes it. Without the binary a TestMain skips outside CI, and
// so does this example. Nothing is printed unless something fails.
func ExampleNew() {
	srv, err := etcdtest.New()
	if errors.Is(err, etcdtest.ErrNoBinary) && !etcdtest.InCI() {
		return
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	resp, err := http.Get(srv.Endpoint() + "/health")
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Println("/health:", resp.Status)
	}
	// Output:
}
