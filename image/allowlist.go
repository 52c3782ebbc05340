package image

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/imagestreams/imagestreams/reference"
)

// ErrRegistryNotAllowed is matched by errors.Is for the errors of
// RegistryAllowList.
var ErrRegistryNotAllowed = errors.New("registry not allowed")

// RegistryTransport says how a registry may be reached, which decides the
// port assumed when a host name has none.
type RegistryTransport string

// Registry transports (SEMANTICS §3.11).
const (
	// RegistryTransportSecure is HTTPS: port 443 by default.
	RegistryTransportSecure RegistryTransport = "secure"
	// RegistryTransportInsecure is plain HTTP: port 80 by default.
	RegistryTransportInsecure RegistryTransport = "insecure"
	// RegistryTransportAny is either: port 443 or 80 by default.
	RegistryTransportAny RegistryTransport = "any"
)

// AllowedRegistry is one entry of a RegistryAllowList, the shape of
// OpenShift's allowedRegistriesForImport entries.
type AllowedRegistry struct {
	// DomainName is a host glob with an optional ":port" glob; "*" matches
	// any run of characters and "?" any one character. Examples:
	// "quay.io", "*.example.com", "registry.local:5000", "10.0.0.?:*".
	DomainName string `json:"domainName"`
	// Insecure makes the port of a DomainName without one 80 instead of
	// 443.
	Insecure bool `json:"insecure,omitempty"`
}

// RegistryAllowList is the registry allow-list OpenShift calls its
// "whitelister" (SEMANTICS §3.11): a pull spec is allowed when its registry
// host and port match an entry. Host names match case-insensitively. An
// empty list allows nothing; to allow everything, set no hook at all.
//
// Its Allow method fits ValidationOptions.AllowRegistry:
//
//	opts := image.ValidationOptions{AllowRegistry: list.Allow}
type RegistryAllowList []AllowedRegistry

// Allow reports whether the registry of ref is allowed, reachable over
// HTTPS or, when insecure, over either transport. An empty registry means
// docker.io. The error matches ErrRegistryNotAllowed.
func (l RegistryAllowList) Allow(ref reference.DockerImageReference, insecure bool) error {
	t := RegistryTransportSecure
	if insecure {
		t = RegistryTransportAny
	}
	return l.AllowHost(ref.DockerClientDefaults().Registry, t)
}

// AllowHost reports whether hostname ("host" or "host:port") reached over
// transport is allowed. Without an explicit port, the transport's default
// port (or ports) is matched. The error matches ErrRegistryNotAllowed.
func (l RegistryAllowList) AllowHost(hostname string, transport RegistryTransport) error {
	host, port := splitHostPort(hostname)
	host = strings.ToLower(host)
	for _, e := range l {
		eh, ep := splitHostPort(e.DomainName)
		if eh == "" || !globMatch(strings.ToLower(eh), host) {
			continue
		}
		if ep == "" {
			ep = "443"
			if e.Insecure {
				ep = "80"
			}
		}
		switch {
		case port != "":
			if globMatch(ep, port) {
				return nil
			}
		case transport == RegistryTransportInsecure:
			if globMatch(ep, "80") {
				return nil
			}
		case transport == RegistryTransportAny:
			if globMatch(ep, "443") || globMatch(ep, "80") {
				return nil
			}
		default:
			if globMatch(ep, "443") {
				return nil
			}
		}
	}
	return fmt.Errorf("%w: %q is not in the allow-list%s", ErrRegistryNotAllowed, hostname, l.describe())
}

// describe lists the first few entries for an error message, as
// OpenShift's whitelister does.
func (l RegistryAllowList) describe() string {
	const showMax = 5
	if len(l) == 0 {
		return " (empty)"
	}
	var b strings.Builder
	b.WriteString(" [")
	for i, e := range l {
		if i == showMax {
			b.WriteString(", and " + strconv.Itoa(len(l)-showMax) + " more")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(e.DomainName))
	}
	b.WriteString("]")
	return b.String()
}

// splitHostPort splits "host:port"; a string that does not split (no port,
// or an IPv6 literal without brackets) is all host.
func splitHostPort(s string) (host, port string) {
	if !strings.Contains(s, ":") {
		return s, "" // spares net.SplitHostPort's error allocation
	}
	if h, p, err := net.SplitHostPort(s); err == nil {
		return h, p
	}
	return s, ""
}

// globMatch reports whether s matches pattern, where "*" matches any run of
// characters (including none) and "?" exactly one. It runs in
// O(len(pattern)·len(s)) time without allocating: on a mismatch it only
// backtracks to the most recent "*".
func globMatch(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
