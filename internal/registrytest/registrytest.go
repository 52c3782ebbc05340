package registrytest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/registry"
	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/auth"
)

// Binary is where Debian's docker-registry package installs the registry.
const Binary = "/usr/bin/docker-registry"

// The user htpasswd authentication accepts.
const (
	User     = "registrytest"
	Password = "registrytest-password-1"
)

// passwordHash is the bcrypt hash (cost 4) of Password, computed once
// offline: the module has no bcrypt implementation, and the registry's
// htpasswd support accepts only bcrypt.
const passwordHash = "$2a$04$ZNJ/DUPEAq.8eEEkPnBuDOjYwEMhdW0oTXxSkvaBaj8vLAqmUitty"

// Options choose how the registry is served.
type Options struct {
	// TLS serves HTTPS with a self-signed certificate for 127.0.0.1; the
	// Registry's Transport and CertPool trust it.
	TLS bool
	// Auth requires htpasswd basic authentication as User.
	Auth bool
	// Memory keeps the content in memory instead of a temporary
	// directory: less CPU per request, for benchmarks.
	Memory bool
	// DebugAddr, when not empty, is a "127.0.0.1:<port>" on which the
	// registry serves its debug endpoints, among them net/http/pprof's
	// /debug/pprof/: profile the registry under a benchmark with
	// go tool pprof /usr/bin/docker-registry http://<addr>/debug/pprof/profile.
	DebugAddr string
}

// Registry is a running registry.
type Registry struct {
	// Host is "127.0.0.1:<port>".
	Host string
	// URL is "http://Host" or "https://Host".
	URL string
	// CertPool holds the registry's certificate when serving TLS.
	CertPool *x509.CertPool
	// Transport trusts CertPool; use it to reach the registry.
	Transport *http.Transport

	opts   Options
	client remote.Client
	cmd    *exec.Cmd
}

// Start starts a registry that stops when the test ends.
func Start(tb testing.TB, opts Options) *Registry {
	tb.Helper()
	bin, err := exec.LookPath(Binary)
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("registrytest: %s is required under CI (apt-get install docker-registry): %v", Binary, err)
		}
		tb.Skipf("registrytest: %s not installed (apt-get install docker-registry); skipping the real-registry test", Binary)
	}
	dir := tb.TempDir()
	r := &Registry{opts: opts, Transport: http.DefaultTransport.(*http.Transport).Clone()}
	port, err := freePort()
	if err != nil {
		tb.Fatal(err)
	}
	r.Host = fmt.Sprintf("127.0.0.1:%d", port)
	r.URL = "http://" + r.Host
	// The blob descriptor cache spares a filesystem walk per request, as
	// in any production registry.
	driver := fmt.Sprintf("  filesystem:\n    rootdirectory: %s\n", filepath.Join(dir, "data"))
	if opts.Memory {
		driver = "  inmemory: {}\n"
	}
	config := fmt.Sprintf(`version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
%s  cache:
    blobdescriptor: inmemory
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: %s
  secret: %s
`, driver, r.Host, randomHex(16))
	if opts.DebugAddr != "" {
		config += fmt.Sprintf("  debug:\n    addr: %s\n", opts.DebugAddr)
	}
	if opts.TLS {
		certFile, keyFile, pool, err := writeCertificate(dir)
		if err != nil {
			tb.Fatal(err)
		}
		r.CertPool = pool
		r.URL = "https://" + r.Host
		r.Transport.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		config += fmt.Sprintf("  tls:\n    certificate: %s\n    key: %s\n", certFile, keyFile)
	}
	if opts.Auth {
		htpasswd := filepath.Join(dir, "htpasswd")
		if err := os.WriteFile(htpasswd, []byte(User+":"+passwordHash+"\n"), 0o600); err != nil {
			tb.Fatal(err)
		}
		config += fmt.Sprintf("auth:\n  htpasswd:\n    realm: registrytest\n    path: %s\n", htpasswd)
	}
	configFile := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(configFile, []byte(config), 0o600); err != nil {
		tb.Fatal(err)
	}

	var out lockedBuffer
	cmd := exec.Command(bin, "serve", configFile)
	// A clean environment: REGISTRY_* variables would override the config.
	// distribution 2.8 allocates (and zeroes) a 4 MiB read buffer for
	// every blob it serves and rebuilds its URL router, regexps and all,
	// for every request: in pprof those are a third and a quarter of its
	// CPU, and no setting avoids them. What can be tuned is collecting
	// that garbage: GOGC=1000 spends about 10% less CPU per request than
	// 400, and 400 half as much as the default (BenchmarkRegistryCPU).
	// The price is memory: up to about 500 MiB at 32 requests in flight. A
	// GOMEMLIMIT to cap it made the collector and scavenger work harder.
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + dir, "GOGC=1000"}
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		tb.Fatalf("registrytest: starting %s: %v", bin, err)
	}
	r.cmd = cmd
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	if err := r.waitReady(exited); err != nil {
		tb.Fatalf("registrytest: %v\nregistry output:\n%s", err, out.String())
	}
	hc := &http.Client{Transport: r.Transport}
	ac := &auth.Client{Client: hc, Cache: auth.NewCache()}
	if opts.Auth {
		ac.Credential = auth.StaticCredential(r.Host, auth.Credential{Username: User, Password: Password})
	}
	r.client = ac
	return r
}

// waitReady polls /v2/ until the registry answers, exits or 10 s pass.
func (r *Registry) waitReady(exited <-chan error) error {
	hc := &http.Client{Transport: r.Transport, Timeout: time.Second}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("registry exited: %v", err)
		default:
		}
		resp, err := hc.Get(r.URL + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusUnauthorized {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("registry on %s not ready after 10s", r.Host)
}

// CPUTime returns the CPU time the registry process has used so far,
// user and system, as Linux's /proc reports it. Benchmarks use it to tell
// the registry's share of a run from the client's.
func (r *Registry) CPUTime() (time.Duration, error) {
	return ProcessCPUTime(r.cmd.Process.Pid)
}

// ProcessCPUTime returns the CPU time, user and system, the process pid
// has used so far, from Linux's /proc; elsewhere it returns an error.
// Benchmarks pass os.Getpid() to weigh their own process's share.
func ProcessCPUTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields follow the parenthesized command name; utime and stime are
	// the 14th and 15th fields, in clock ticks (USER_HZ, 100 on Linux).
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("registrytest: malformed /proc stat %q", s)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("registrytest: malformed /proc stat %q", s)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("registrytest: malformed /proc stat %q", s)
	}
	return time.Duration(utime+stime) * (time.Second / 100), nil
}

func (r *Registry) repository(name string) *remote.Repository {
	return &remote.Repository{
		Client:    r.client,
		Reference: registry.Reference{Registry: r.Host, Repository: name},
		PlainHTTP: !r.opts.TLS,
	}
}

// PushBlob uploads a blob to repo.
func (r *Registry) PushBlob(tb testing.TB, repo string, data []byte) digest.Digest {
	tb.Helper()
	d := digest.FromBytes(data)
	desc := ocispec.Descriptor{MediaType: "application/octet-stream", Digest: d, Size: int64(len(data))}
	if err := r.repository(repo).Blobs().Push(context.Background(), desc, bytes.NewReader(data)); err != nil {
		tb.Fatalf("registrytest: pushing blob %s to %s: %v", d, repo, err)
	}
	return d
}

// PushManifest uploads a manifest to repo, tagged tag unless tag is
// empty, and returns its digest.
func (r *Registry) PushManifest(tb testing.TB, repo, tag, mediaType string, body []byte) digest.Digest {
	tb.Helper()
	d := digest.FromBytes(body)
	desc := ocispec.Descriptor{MediaType: mediaType, Digest: d, Size: int64(len(body))}
	ref := tag
	if ref == "" {
		ref = d.String()
	}
	if err := r.repository(repo).PushReference(context.Background(), desc, bytes.NewReader(body), ref); err != nil {
		tb.Fatalf("registrytest: pushing manifest %s:%s: %v", repo, ref, err)
	}
	return d
}

// Tag points tag at the manifest d of repo.
func (r *Registry) Tag(tb testing.TB, repo, tag string, d digest.Digest) {
	tb.Helper()
	rp := r.repository(repo)
	desc, err := rp.Resolve(context.Background(), d.String())
	if err != nil {
		tb.Fatalf("registrytest: resolving %s@%s: %v", repo, d, err)
	}
	if err := rp.Tag(context.Background(), desc, tag); err != nil {
		tb.Fatalf("registrytest: tagging %s:%s: %v", repo, tag, err)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// writeCertificate writes a self-signed certificate for 127.0.0.1 and
// localhost, valid for a day, and returns its files and a pool with it.
func writeCertificate(dir string) (certFile, keyFile string, pool *x509.CertPool, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", nil, err
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		return "", "", nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "registrytest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", "", nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return "", "", nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return "", "", nil, err
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		return "", "", nil, err
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return "", "", nil, err
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool, nil
}

// lockedBuffer collects the registry's output from two goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
