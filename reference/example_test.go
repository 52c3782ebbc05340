package reference_test

import (
	"errors"
	"fmt"

	"github.com/imagestreams/imagestreams/reference"
)

func ExampleParse() {
	for _, spec := range []string{
		"busybox",
		"quay.io/openshift/origin/cli:4.16",
		"localhost:5000/team/app@sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25",
		"docker.io",
	} {
		r, err := reference.Parse(spec)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("registry=%q namespace=%q name=%q tag=%q id=%q\n", r.Registry, r.Namespace, r.Name, r.Tag, r.ID)
	}
	// Output:
	// registry="" namespace="" name="busybox" tag="" id=""
	// registry="quay.io" namespace="openshift" name="origin/cli" tag="4.16" id=""
	// registry="localhost:5000" namespace="team" name="app" tag="" id="sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25"
	// registry="docker.io" namespace="" name="" tag="" id=""
}

func ExampleParse_errors() {
	for _, spec := range []string{"", "Busybox", "busybox@md5:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25", "[::1]:5000/app"} {
		_, err := reference.Parse(spec)
		fmt.Printf("%q: %v (lowercase: %v)\n", spec, err, errors.Is(err, reference.ErrNameContainsUppercase))
	}
	// Output:
	// "": repository name must have at least one component (lowercase: false)
	// "Busybox": repository name must be lowercase (lowercase: true)
	// "busybox@md5:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25": unsupported digest algorithm (lowercase: false)
	// "[::1]:5000/app": invalid reference format (lowercase: false)
}

// Exact spells a reference as written; String adds Docker Hub's library
// namespace, but only when the Hub registry is written out.
func ExampleDockerImageReference_Exact() {
	for _, spec := range []string{"docker.io/busybox:1.36", "busybox:1.36", "quay.io/app"} {
		r, _ := reference.Parse(spec)
		fmt.Printf("Exact=%s String=%s\n", r.Exact(), r.String())
	}
	// Output:
	// Exact=docker.io/busybox:1.36 String=docker.io/library/busybox:1.36
	// Exact=busybox:1.36 String=busybox:1.36
	// Exact=quay.io/app String=quay.io/app
}

func ExampleDockerImageReference_DockerClientDefaults() {
	r, _ := reference.Parse("busybox")
	full := r.DockerClientDefaults()
	fmt.Println(full.Exact())
	fmt.Println(r.Equal(full))
	fmt.Println(full.DaemonMinimal().Exact())
	// Output:
	// docker.io/library/busybox:latest
	// true
	// docker.io/busybox
}

func ExampleDockerImageReference_MostSpecific() {
	r, _ := reference.Parse("quay.io/app:v1@sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25")
	ms := r.MostSpecific()
	fmt.Printf("tag=%q id=%q\n", ms.Tag, ms.ID)
	// A non-digest ID (a legacy v1 image ID) is used as the tag instead.
	legacy := reference.DockerImageReference{Name: "app", ID: "4ab4c602aa5e"}.MostSpecific()
	fmt.Println(legacy.Exact())
	// Output:
	// tag="" id="sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25"
	// app:4ab4c602aa5e
}

// The two spellings of a Docker Hub image resolve to different hosts.
func ExampleDockerImageReference_RegistryHostPort() {
	for _, spec := range []string{"openshift/origin", "docker.io/openshift/origin", "localhost:5000/app"} {
		r, _ := reference.Parse(spec)
		host, port := r.RegistryHostPort(false)
		fmt.Println(host, port)
	}
	// Output:
	// docker.io 443
	// registry-1.docker.io 443
	// localhost 5000
}
