package bolt_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/bolt"
)

// crashChildEnv names the file a re-executed test binary writes to; see
// TestCrashKeepsAcknowledgedWrites.
const crashChildEnv = "BOLT_CRASH_CHILD_DB"

// TestCrashKeepsAcknowledgedWrites runs writers in a child process, kills
// it with SIGKILL in the middle of its writes, reopens the file and checks
// that every write the child saw acknowledged is there, and that the file
// is usable: the log replays them in order, and new writes follow.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	if path := os.Getenv(crashChildEnv); path != "" {
		crashChild(path)
		return
	}
	path := filepath.Join(t.TempDir(), "store.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashKeepsAcknowledgedWrites$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})

	// The child prints "key value" after each acknowledged write.
	acked := map[string]string{}
	sc := bufio.NewScanner(out)
	for len(acked) < 300 && sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			t.Fatalf("child printed %q", sc.Text())
		}
		acked[key] = value
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if len(acked) < 300 {
		t.Fatalf("child acknowledged only %d writes before exiting (%v)", len(acked), sc.Err())
	}

	s, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatalf("reopen after the crash: %v", err)
	}
	defer s.Close()
	ctx := t.Context()
	for key, want := range acked {
		got, err := s.Get(ctx, key)
		if err != nil {
			t.Errorf("acknowledged write of %s lost: %v", key, err)
			continue
		}
		if string(got.Value) != want {
			t.Errorf("%s = %q, want %q", key, got.Value, want)
		}
	}

	res, err := s.List(ctx, "/", storage.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch, err := s.Watch(wctx, "/", 1)
	if err != nil {
		t.Fatal(err)
	}
	var last int64
	for last < res.ResourceVersion {
		ev := <-ch
		if ev.Type == storage.Error || ev.ResourceVersion <= last {
			t.Fatalf("replay after crash: %+v after revision %d", ev, last)
		}
		last = ev.ResourceVersion
	}
	if rv, err := s.Create(ctx, "/after-crash", []byte("x")); err != nil || rv <= res.ResourceVersion {
		t.Errorf("Create after the crash = %d, %v; want a revision above %d", rv, err, res.ResourceVersion)
	}
}

// crashChild writes until it is killed: four goroutines create keys, and
// each acknowledged create is printed.
func crashChild(path string) {
	s, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	acks := make(chan string)
	for g := range 4 {
		go func() {
			for i := 0; ; i++ {
				key, value := fmt.Sprintf("/crash/%d/%06d", g, i), fmt.Sprint(i)
				if _, err := s.Create(context.Background(), key, []byte(value)); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(2)
				}
				acks <- key + " " + value
			}
		}()
	}
	w := bufio.NewWriter(os.Stdout)
	for line := range acks {
		// Unbuffered in effect: a line must leave before the parent kills us.
		fmt.Fprintln(w, line)
		w.Flush()
	}
}
