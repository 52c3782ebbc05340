package reference_test

import (
	"fmt"

	"github.com/imagestreams/imagestreams/reference"
)

// A spec without a slash that looks like a host is read as a bare
// registry. OpenShift keeps whatever followed the colon in Registry (a
// port or a tag), sets no Name, and so Exact is empty. A bare digest is
// read as the image "sha256" with the hex as its tag. Both are OpenShift
// quirks (SEMANTICS.md §9) that this package keeps for compatibility.
func ExampleParse_registryOnly() {
	for _, spec := range []string{
		"localhost:5000",
		"quay.io:v1",
		"sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25",
	} {
		r, err := reference.Parse(spec)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("registry=%q name=%q tag=%q exact=%q\n", r.Registry, r.Name, r.Tag, r.Exact())
	}
	// Output:
	// registry="localhost:5000" name="" tag="" exact=""
	// registry="quay.io:v1" name="" tag="" exact=""
	// registry="" name="sha256" tag="3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25" exact="sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25"
}

// AsRepository drops the tag and digest; RepositoryName also drops the
// registry.
func ExampleDockerImageReference_AsRepository() {
	r, _ := reference.Parse("quay.io/openshift/origin-cli:4.16@sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25")
	fmt.Println(r.AsRepository().Exact())
	fmt.Println(r.RepositoryName())
	// Output:
	// quay.io/openshift/origin-cli
	// openshift/origin-cli
}

// Equal compares references after Docker client defaulting, so the short
// and the fully spelled Docker Hub names are the same image.
func ExampleDockerImageReference_Equal() {
	short, _ := reference.Parse("busybox")
	long, _ := reference.Parse("docker.io/library/busybox:latest")
	other, _ := reference.Parse("quay.io/busybox")
	fmt.Println(short.Equal(long))
	fmt.Println(short.Equal(other))
	// Output:
	// true
	// false
}

func ExampleDockerImageReference_Minimal() {
	r, _ := reference.Parse("quay.io/app:latest")
	fmt.Println(r.Minimal().Exact())
	// Output:
	// quay.io/app
}

// AsV2 and RegistryURL name the host a client talks to for the registry
// API: Docker Hub's v2 endpoint is registry-1.docker.io.
func ExampleDockerImageReference_AsV2() {
	for _, spec := range []string{"docker.io/library/busybox", "quay.io/app"} {
		r, _ := reference.Parse(spec)
		fmt.Println(r.AsV2().Registry, r.RegistryURL())
	}
	// Output:
	// registry-1.docker.io https://registry-1.docker.io
	// quay.io https://quay.io
}

func ExampleDockerImageReference_DaemonMinimal() {
	r, _ := reference.Parse("index.docker.io/library/busybox:latest")
	fmt.Println(r.DaemonMinimal().Exact())
	// Output:
	// docker.io/busybox
}

func ExampleDockerImageReference_Digest() {
	for _, spec := range []string{"quay.io/app@sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25", "quay.io/app:v1"} {
		r, _ := reference.Parse(spec)
		d, ok := r.Digest()
		fmt.Printf("%q %v\n", d, ok)
	}
	// Output:
	// "sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25" true
	// "" false
}

func ExampleDockerImageReference_NameString() {
	r, _ := reference.Parse("quay.io/team/app:v1")
	fmt.Println(r.NameString())
	// Output:
	// app:v1
}

func ExampleIsRegistryDockerHub() {
	for _, reg := range []string{"docker.io", "index.docker.io", "registry-1.docker.io", "quay.io", ""} {
		fmt.Printf("%q %v\n", reg, reference.IsRegistryDockerHub(reg))
	}
	// Output:
	// "docker.io" true
	// "index.docker.io" true
	// "registry-1.docker.io" true
	// "quay.io" false
	// "" false
}

func ExampleValidate() {
	for _, spec := range []string{"quay.io/app:v1", "quay.io/App:v1"} {
		fmt.Printf("%s: %v\n", spec, reference.Validate(spec))
	}
	// Output:
	// quay.io/app:v1: <nil>
	// quay.io/App:v1: repository name must be lowercase
}

func ExampleValidDigest() {
	fmt.Println(reference.ValidDigest("sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25"))
	fmt.Println(reference.ValidDigest("sha256:3c87"))
	// Output:
	// true
	// false
}

func ExampleValidRepository() {
	fmt.Println(reference.ValidRepository("team/app"))
	fmt.Println(reference.ValidRepository("team/App"))
	// Output:
	// true
	// false
}
