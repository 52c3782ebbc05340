package etcdtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// DefaultBinary is where the Debian package etcd-server installs etcd.
const DefaultBinary = "/usr/bin/etcd"

// MaxRequestBytes is the --max-request-bytes the server runs with: 2 MiB,
// so that a value of storage.MaxValueSize (1.5 MiB, etcd's default limit
// for the whole request) still fits together with its key and the
// transaction around it.
const MaxRequestBytes = 2 << 20

const (
	// startTimeout bounds how long Start and Restart wait for /health; a
	// single-member cluster is normally healthy in well under a second, but
	// the CI machine is small and shared.
	startTimeout = 30 * time.Second
	// stopTimeout is how long Stop waits after SIGTERM before SIGKILL.
	stopTimeout = 10 * time.Second
	// logTail is how much of etcd's output is kept for failure messages.
	logTail = 16 << 10
)

// ErrNoBinary is returned by [Binary] when no etcd executable is installed.
var ErrNoBinary = errors.New("etcd binary not found (install the Debian package etcd-server)")

// Binary returns the path of the etcd executable: [DefaultBinary] if it
// exists, else "etcd" looked up in PATH. It fails with [ErrNoBinary].
func Binary() (string, error) {
	if fi, err := os.Stat(DefaultBinary); err == nil && !fi.IsDir() {
		return DefaultBinary, nil
	}
	p, err := exec.LookPath("etcd")
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrNoBinary, err)
	}
	return p, nil
}

// InCI reports whether the environment variable CI is "true", in which case
// a missing server binary fails the test instead of skipping it.
func InCI() bool { return os.Getenv("CI") == "true" }

// Server is one etcd member started by [New] or [Start]. Its methods are
// safe for concurrent use.
type Server struct {
	bin       string
	dataDir   string
	ownDir    bool // Close removes dataDir (a server from New)
	clientURL string
	peerURL   string

	mu   sync.Mutex // guards proc
	proc *process   // nil while stopped
}

// process is one run of the etcd binary.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd.Wait has returned
	err  error         // cmd.Wait's result, valid once done is closed
	out  *tailBuffer
}

// Start starts etcd on two free ports of 127.0.0.1 with a fresh data
// directory and waits until it is healthy. Cleanups registered on tb kill
// the server, wait for it to exit and remove the directory. Without an etcd binary the
// test is skipped, or fails when [InCI].
func Start(tb testing.TB) *Server {
	tb.Helper()
	bin, err := Binary()
	if err != nil {
		if InCI() {
			tb.Fatalf("etcdtest: %v; CI=true, so this is a failure, not a skip", err)
		}
		tb.Skipf("etcdtest: skipping: %v", err)
	}
	dir, err := dataDir()
	if err != nil {
		tb.Fatalf("etcdtest: %v", err)
	}
	// Cleanups run last-registered first: kill, then remove the files.
	tb.Cleanup(func() { _ = os.RemoveAll(dir) })
	s, err := launch(bin, dir)
	if err != nil {
		tb.Fatalf("etcdtest: %v", err)
	}
	tb.Cleanup(s.Kill)
	return s
}

// shm is a tmpfs on Linux. etcd fsyncs its write-ahead log on every
// commit; on tmpfs that costs nothing, while on the small shared disks of
// CI machines it makes conflict-heavy tests take minutes and can even
// trip etcd's request timeout. What the tests check, that a restarted
// process keeps every acknowledged write, does not depend on the fsync.
const shm = "/dev/shm"

// dataDir makes a fresh data directory, on tmpfs when there is one.
func dataDir() (string, error) {
	base := ""
	if fi, err := os.Stat(shm); err == nil && fi.IsDir() {
		base = shm
	}
	dir, err := os.MkdirTemp(base, "etcdtest-")
	if err != nil && base != "" {
		dir, err = os.MkdirTemp("", "etcdtest-")
	}
	return dir, err
}

// New is Start for a TestMain, which has no testing.TB: it starts etcd
// with a fresh temporary data directory, and the caller must Close the
// server. It fails with an error wrapping [ErrNoBinary] when etcd is not
// installed; the caller decides whether that skips or fails (see [InCI]).
func New() (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	dir, err := dataDir()
	if err != nil {
		return nil, fmt.Errorf("etcdtest: %w", err)
	}
	s, err := launch(bin, dir)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("etcdtest: %w", err)
	}
	s.ownDir = true
	return s, nil
}

// launch starts a server on fresh ports in dataDir.
func launch(bin, dataDir string) (*Server, error) {
	s := &Server{bin: bin, dataDir: dataDir}
	// A free port can be taken by another process between our probe and
	// etcd's bind; try a few fresh pairs before giving up.
	var lastErr error
	for range 3 {
		client, peer, err := freePorts()
		if err != nil {
			return nil, err
		}
		s.clientURL = "http://127.0.0.1:" + strconv.Itoa(client)
		s.peerURL = "http://127.0.0.1:" + strconv.Itoa(peer)
		if lastErr = s.start(); lastErr == nil {
			return s, nil
		}
		// A clean slate: a half-initialized member would keep the old
		// peer URL.
		if err := os.RemoveAll(dataDir); err != nil {
			return nil, err
		}
	}
	return nil, lastErr
}

// Endpoint returns the client URL, e.g. "http://127.0.0.1:40123".
func (s *Server) Endpoint() string { return s.clientURL }

// DataDir returns the member's data directory.
func (s *Server) DataDir() string { return s.dataDir }

// Stop shuts the server down gracefully (SIGTERM, then SIGKILL after
// 10 s) and waits for it to exit. Stopping a stopped server does nothing.
func (s *Server) Stop() { s.halt(syscall.SIGTERM) }

// Kill ends the server with SIGKILL, like a crash, and waits for it to
// exit. Killing a stopped server does nothing.
func (s *Server) Kill() { s.halt(syscall.SIGKILL) }

// Restart stops the server if it runs and starts it again with the same
// data directory and ports, waiting until it is healthy.
func (s *Server) Restart() error {
	s.Stop()
	if err := s.start(); err != nil {
		return fmt.Errorf("etcdtest: restart: %w", err)
	}
	return nil
}

// Close kills the server and, for a server from New, removes its data
// directory.
func (s *Server) Close() error {
	s.Kill()
	if s.ownDir {
		return os.RemoveAll(s.dataDir)
	}
	return nil
}

func (s *Server) halt(sig syscall.Signal) {
	s.mu.Lock()
	p := s.proc
	s.proc = nil
	s.mu.Unlock()
	if p == nil {
		return
	}
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(stopTimeout):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// start runs the binary and waits for /health; on failure the process is
// gone and the error carries the tail of its output.
func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		return errors.New("already running")
	}
	const name = "etcdtest"
	out := &tailBuffer{max: logTail}
	cmd := exec.Command(s.bin,
		"--name", name,
		"--data-dir", s.dataDir,
		"--listen-client-urls", s.clientURL,
		"--advertise-client-urls", s.clientURL,
		"--listen-peer-urls", s.peerURL,
		"--initial-advertise-peer-urls", s.peerURL,
		"--initial-cluster", name+"="+s.peerURL,
		"--max-request-bytes", strconv.Itoa(MaxRequestBytes),
		// A single member elects itself after one election timeout;
		// short timers make start and restart fast.
		"--heartbeat-interval", "10",
		"--election-timeout", "100",
		"--logger", "zap",
		"--log-level", "warn",
	)
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.SysProcAttr = procAttr()
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	p := &process{cmd: cmd, done: make(chan struct{}), out: out}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	if err := waitHealthy(s.clientURL, p); err != nil {
		_ = cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("%w; etcd output:\n%s", err, out.String())
	}
	s.proc = p
	return nil
}

// waitHealthy polls the member's /health endpoint until it reports healthy,
// the process exits or startTimeout passes.
func waitHealthy(clientURL string, p *process) error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	hc := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		if last = checkHealth(ctx, hc, clientURL); last == nil {
			return nil
		}
		select {
		case <-p.done:
			return fmt.Errorf("etcd exited before becoming healthy: %v", p.err)
		case <-ctx.Done():
			return fmt.Errorf("etcd not healthy after %v: %w", startTimeout, last)
		case <-tick.C:
		}
	}
}

func checkHealth(ctx context.Context, hc *http.Client, clientURL string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, clientURL+"/health", nil)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if err != nil {
		return err
	}
	// etcd answers {"health":"true"} once the member has a leader and can
	// serve a linearizable read.
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`"health":"true"`)) {
		return fmt.Errorf("health: %s: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	return nil
}

// freePorts returns two distinct ports that were free on 127.0.0.1 a moment
// ago. Both listeners are held open together so they cannot coincide.
func freePorts() (int, int, error) {
	var ports [2]int
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, 0, fmt.Errorf("free port: %w", err)
		}
		defer l.Close()
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports[0], ports[1], nil
}

// tailBuffer is an io.Writer that keeps the last max bytes written; the
// process writes to it from exec's copying goroutine.
type tailBuffer struct {
	max int
	mu  sync.Mutex // guards buf
	buf []byte
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
