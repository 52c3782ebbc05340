package prune

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Journal errors.
var (
	// ErrJournalMismatch is returned when a journal holds the records of
	// another plan than the one being carried out.
	ErrJournalMismatch = errors.New("prune: journal belongs to another plan")
	// ErrJournalCorrupt is returned by OpenJournal for a file that is not
	// a journal.
	ErrJournalCorrupt = errors.New("prune: corrupt journal")
)

// A Journal records the deletions Execute and ExecuteSweep have finished,
// so that a run that stopped (killed, cancelled or failed) is resumed
// without sending them again (PRUNE.md §6.7). Re-running without a
// journal converges too, since every deletion is idempotent; a journal
// saves the requests, which at 100,000 images are most of a run.
//
// Only deletions are recorded: links, blobs and images. A resumed run
// reads every stream it updates again, because what it keeps (events
// pushed or referenced since planning) can only come from a fresh read.
//
// A journal belongs to one plan: Begin binds it to the plan's
// fingerprint, a SHA-256 over the plan's policy and everything it
// deletes, which re-planning the same snapshot with the same options
// reproduces, as does decoding a plan saved as JSON. Its methods may be
// called from several goroutines.
type Journal interface {
	// Begin is called once per run, before any other method, with the
	// plan's fingerprint ("sha256:" and hex). It fails, wrapping
	// ErrJournalMismatch, if the journal holds records of another plan.
	Begin(plan string) error
	// Done reports whether an earlier run recorded the deletion of
	// target in phase. Targets are those of Progress.
	Done(phase Phase, target string) bool
	// Record records that the deletion of target in phase succeeded.
	// Execute calls it after the deletion returns, so a record is never
	// ahead of what happened; an error is reported as a Failure of that
	// target and the run goes on.
	Record(phase Phase, target string) error
}

// journalPhases are the phases a journal records.
var journalPhases = []Phase{PhaseLayerLinks, PhaseManifestLinks, PhaseBlobs, PhaseImages}

// A plan's fingerprint identifies it for a Journal: a SHA-256 over its
// schema, its policy and every field Execute acts on, each
// length-prefixed. Explanations (reasons, referrers, invalid references)
// are left out, and so is JSON: encoding a plan of 100,000 images takes
// seconds, hashing its fields a fraction of that.
type fingerprinter struct {
	h   hash.Hash
	buf []byte
}

func newFingerprinter(schema string) *fingerprinter {
	f := &fingerprinter{h: sha256.New(), buf: make([]byte, 0, 64<<10)}
	f.str(schema)
	return f
}

func (f *fingerprinter) str(s string) {
	f.buf = binary.AppendUvarint(f.buf, uint64(len(s)))
	f.buf = append(f.buf, s...)
	if len(f.buf) >= 60<<10 {
		f.h.Write(f.buf)
		f.buf = f.buf[:0]
	}
}

func (f *fingerprinter) int(n int64) { f.buf = binary.AppendVarint(f.buf, n) }

func (f *fingerprinter) strs(ss []string) {
	f.int(int64(len(ss)))
	for _, s := range ss {
		f.str(s)
	}
}

func (f *fingerprinter) blobs(bs []Blob) {
	f.int(int64(len(bs)))
	for _, b := range bs {
		f.str(b.Digest)
		f.int(b.Size)
	}
}

func (f *fingerprinter) sum() string {
	f.h.Write(f.buf)
	return "sha256:" + hex.EncodeToString(f.h.Sum(nil))
}

func (d *Decisions) fingerprint() (string, error) {
	f := newFingerprinter(d.SchemaVersion)
	policy, err := json.Marshal(d.Policy)
	if err != nil {
		return "", fmt.Errorf("prune: plan fingerprint: %w", err)
	}
	f.str(string(policy))
	f.int(int64(len(d.Streams)))
	for i := range d.Streams {
		sd := &d.Streams[i]
		f.str(sd.Namespace)
		f.str(sd.Name)
		f.str(sd.ResourceVersion)
		f.int(int64(sd.Deleted))
		f.int(int64(len(sd.Tags)))
		for _, td := range sd.Tags {
			f.str(td.Tag)
			f.int(int64(len(td.Events)))
			for _, ev := range td.Events {
				f.int(int64(ev.Action))
				f.str(ev.Image)
				f.int(ev.Created.Unix()) // seconds, all the plan's JSON keeps
			}
		}
		f.strs(sd.LayerLinks)
		f.strs(sd.ManifestLinks)
	}
	f.int(int64(len(d.Images)))
	for i := range d.Images {
		img := &d.Images[i]
		f.str(img.Name)
		f.int(int64(img.Action))
		f.strs(img.Blobs)
		f.strs(img.Children)
		f.int(img.Created.Unix())
	}
	f.blobs(d.Blobs)
	return f.sum(), nil
}

func (sw *Sweep) fingerprint() (string, error) {
	f := newFingerprinter(sw.SchemaVersion)
	f.strs(sw.Repositories)
	for _, links := range [][]Link{sw.ManifestLinks, sw.LayerLinks} {
		f.int(int64(len(links)))
		for _, l := range links {
			f.str(l.Repository)
			f.str(l.Digest)
		}
	}
	f.blobs(sw.Blobs)
	return f.sum(), nil
}

// journalHeader starts the first line of a journal file; the plan's
// fingerprint follows.
const journalHeader = "imagestreams prune journal v1 "

// FileJournal is a Journal kept in a file, one line per record, appended
// with one write each. A record that a crash cut short is dropped when
// the file is opened again: its deletion is sent again, and finds
// nothing to delete. Records are not synced to disk: after a power loss
// the lost ones are sent again too.
type FileJournal struct {
	mu   sync.Mutex
	f    *os.File
	path string
	plan string // "" until the header is written
	done map[journalKey]struct{}
	buf  []byte
}

type journalKey struct {
	phase  Phase
	target string
}

// OpenJournal opens the journal file at path, creating it if needed, and
// reads the records of earlier runs. The caller must Close it.
func OpenJournal(path string) (*FileJournal, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("prune: open journal: %w", err)
	}
	j := &FileJournal{f: f, path: path, done: map[journalKey]struct{}{}}
	if err := j.load(); err != nil {
		f.Close()
		return nil, err
	}
	return j, nil
}

// load reads the file and leaves the offset at the end for appending.
// It checks the whole file before it drops a last line that lacks its
// newline, so that a file that is not a journal is left untouched.
func (j *FileJournal) load() error {
	data, err := io.ReadAll(j.f)
	if err != nil {
		return fmt.Errorf("prune: read journal: %w", err)
	}
	end := bytes.LastIndexByte(data, '\n') + 1
	n := 0
	for raw := range bytes.Lines(data[:end]) {
		n++
		line := string(raw[:len(raw)-1])
		if n == 1 {
			plan, ok := strings.CutPrefix(line, journalHeader)
			if !ok || !strings.HasPrefix(plan, "sha256:") {
				return fmt.Errorf("%w: %s: line 1 is not a journal header", ErrJournalCorrupt, j.path)
			}
			j.plan = plan
			continue
		}
		k, err := parseRecord(line)
		if err != nil {
			return fmt.Errorf("%w: %s line %d: %v", ErrJournalCorrupt, j.path, n, err)
		}
		j.done[k] = struct{}{}
	}
	if torn := string(data[end:]); torn != "" {
		if !tornLine(torn, n == 0) {
			return fmt.Errorf("%w: %s line %d: %q is not a record cut short", ErrJournalCorrupt, j.path, n+1, torn)
		}
		if err := j.f.Truncate(int64(end)); err != nil {
			return fmt.Errorf("prune: journal: drop a torn record: %w", err)
		}
	}
	if _, err := j.f.Seek(int64(end), io.SeekStart); err != nil {
		return fmt.Errorf("prune: journal: %w", err)
	}
	return nil
}

// tornLine reports whether s, a last line without its newline, can be
// the start of a header (first) or of a record that a crash cut short.
func tornLine(s string, first bool) bool {
	if first {
		const start = journalHeader + "sha256:"
		if len(s) <= len(start) {
			return strings.HasPrefix(start, s)
		}
		rest, ok := strings.CutPrefix(s, start)
		return ok && strings.Trim(rest, "0123456789abcdef") == ""
	}
	phase, target, cut := strings.Cut(s, " ")
	if !cut {
		return slices.ContainsFunc(journalPhases, func(p Phase) bool { return strings.HasPrefix(string(p), phase) })
	}
	return slices.Contains(journalPhases, Phase(phase)) && (target == "" || target[0] == '"')
}

// parseRecord parses `phase "target"`.
func parseRecord(line string) (journalKey, error) {
	phase, quoted, ok := strings.Cut(line, " ")
	if !ok {
		return journalKey{}, errors.New("no target")
	}
	if !slices.Contains(journalPhases, Phase(phase)) {
		return journalKey{}, fmt.Errorf("unknown phase %q", phase)
	}
	target, err := strconv.Unquote(quoted)
	if err != nil {
		return journalKey{}, fmt.Errorf("target %s: %w", quoted, err)
	}
	return journalKey{Phase(phase), target}, nil
}

// Begin implements Journal: it writes the header to a new journal and
// checks it in an existing one.
func (j *FileJournal) Begin(plan string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	switch {
	case j.plan == plan:
		return nil
	case j.plan != "":
		return fmt.Errorf("%w: %s is for plan %s, not %s", ErrJournalMismatch, j.path, j.plan, plan)
	}
	if _, err := j.f.WriteString(journalHeader + plan + "\n"); err != nil {
		return fmt.Errorf("prune: write journal: %w", err)
	}
	j.plan = plan
	return nil
}

// Done implements Journal.
func (j *FileJournal) Done(phase Phase, target string) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	_, ok := j.done[journalKey{phase, target}]
	return ok
}

// Record implements Journal. The record reaches the file in one write,
// so that a killed process leaves at most its last line torn.
func (j *FileJournal) Record(phase Phase, target string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.plan == "" {
		return errors.New("prune: journal record before Begin")
	}
	j.buf = append(j.buf[:0], phase...)
	j.buf = append(j.buf, ' ')
	j.buf = strconv.AppendQuote(j.buf, target)
	j.buf = append(j.buf, '\n')
	if _, err := j.f.Write(j.buf); err != nil {
		return fmt.Errorf("prune: write journal: %w", err)
	}
	j.done[journalKey{phase, target}] = struct{}{}
	return nil
}

// Len returns the number of distinct records: a deletion recorded twice
// counts once.
func (j *FileJournal) Len() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.done)
}

// Close closes the file.
func (j *FileJournal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.f.Close()
}
