package memory

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/muninn-gw/muninn/vectorstore"
)

// Data directory layout:
//
//	snap-N.dat   every live point as of the moment wal-N was started, ending with an
//	             end record (written to a .tmp file, fsynced, then renamed)
//	wal-N.log    records appended after snap-N (or since the beginning)
//
// Recovery loads the newest snapshot, replays the logs numbered N and above in order,
// cuts a torn or corrupt tail off at the last good record (with a warning), and starts a
// new log. Replay is idempotent, so records that are both in a snapshot and in the log
// after it apply cleanly.

type dirFiles struct {
	snaps, wals []uint64
}

// listDir lists the data files; at open (cleanTmp) it also removes unfinished snapshots.
func listDir(dir string, cleanTmp bool) (dirFiles, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return dirFiles{}, fmt.Errorf("read data directory: %w", err)
	}
	var f dirFiles
	for _, e := range ents {
		name := e.Name()
		switch {
		case strings.HasSuffix(name, ".tmp"):
			if cleanTmp {
				_ = os.Remove(filepath.Join(dir, name)) // an unfinished snapshot
			}
		case strings.HasPrefix(name, "snap-") && strings.HasSuffix(name, ".dat"):
			if n, err := strconv.ParseUint(name[5:len(name)-4], 10, 64); err == nil {
				f.snaps = append(f.snaps, n)
			}
		case strings.HasPrefix(name, "wal-") && strings.HasSuffix(name, ".log"):
			if n, err := strconv.ParseUint(name[4:len(name)-4], 10, 64); err == nil {
				f.wals = append(f.wals, n)
			}
		}
	}
	slices.Sort(f.snaps)
	slices.Sort(f.wals)
	return f, nil
}

// openDir recovers the data directory and starts the log and its flusher.
func (s *Store) openDir() error {
	dir := s.cfg.Dir
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	files, err := listDir(dir, true)
	if err != nil {
		return err
	}
	from := uint64(0)
	next := uint64(1)
	snapOK := true
	if n := len(files.snaps); n > 0 {
		from = files.snaps[n-1]
		next = from + 1
		if snapOK, err = s.replayFile(filepath.Join(dir, snapName(from)), true); err != nil {
			return err
		}
	}
	stopped := false
	for _, seq := range files.wals {
		next = max(next, seq+1)
		if seq < from {
			continue
		}
		path := filepath.Join(dir, walName(seq))
		if stopped {
			// Logs after a corrupt one would apply on a state with a hole in it.
			s.cfg.Logger.Warn("built-in vector store: ignoring a log written after a corrupt one", "file", path)
			if err := os.Rename(path, path+".corrupt"); err != nil {
				return fmt.Errorf("set aside %s: %w", path, err)
			}
			continue
		}
		good, err := s.replayFile(path, false)
		if err != nil {
			return err
		}
		stopped = !good
	}
	l, err := openWAL(dir, next, s.cfg.Quantization == QuantInt8)
	if err != nil {
		return err
	}
	s.log = l
	if !snapOK {
		// Replace the damaged snapshot now, so the next start is clean.
		if err := s.compact(); err != nil {
			return fmt.Errorf("rewrite damaged snapshot: %w", err)
		}
	}
	for _, x := range s.snapshotNamespaces() {
		x.fixOrphans()
		s.maybeReclaim(x)
	}
	s.enforceLimits() // the limits may have been lowered since the data was written
	s.bg.Add(1)
	go s.flushLoop(s.cfg.FlushInterval.Duration)
	return nil
}

// replayFile applies a snapshot or log. It returns false when the file had a torn or
// corrupt tail, which it truncates (logs) after warning.
func (s *Store) replayFile(path string, snapshot bool) (bool, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return false, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 4<<20)
	rp := newReplayer(s)
	gl := &graphLoader{s: s}
	var (
		buf    []byte
		body   []byte
		offset int64
		ended  bool
		count  int
	)
	for {
		body, buf, err = readRecord(r, buf)
		if err == io.EOF {
			break
		}
		var rec record
		if err == nil && snapshot && body[0] >= recGraph && body[0] <= recGraphEnd {
			d := &decoder{b: body[1:]}
			switch body[0] {
			case recGraph:
				err = gl.header(d)
			case recNodes:
				err = gl.nodes(d, rp.now.UnixNano())
			case recGraphEnd:
				err = gl.end(d)
			}
			if err == nil {
				offset += int64(frameHeader + len(body))
				count++
				continue
			}
		} else if err == nil {
			rec, err = decodeBody(body)
		}
		if err == nil && rec.typ == recUpsert && !snapshot {
			// Logs and snapshots hold only valid vectors; anything else is corruption.
			err = vectorstore.Validate(rec.vec)
		}
		if err != nil {
			rp.flush()
			gl.abort()
			st, _ := f.Stat()
			s.cfg.Logger.Warn("built-in vector store: corrupt or torn record, keeping the good prefix", "err", err,
				"file", path, "good_bytes", offset, "file_bytes", st.Size(), "records", count)
			if !snapshot {
				if err := f.Truncate(offset); err != nil {
					return false, fmt.Errorf("truncate %s: %w", path, err)
				}
				if err := f.Sync(); err != nil {
					return false, fmt.Errorf("fsync %s: %w", path, err)
				}
			}
			return false, nil
		}
		offset += int64(frameHeader + len(body))
		count++
		if rec.typ == recEnd {
			ended = true
			continue
		}
		if err := rp.apply(rec); err != nil {
			return false, fmt.Errorf("replay %s: %w", path, err)
		}
	}
	rp.flush()
	gl.abort()
	if snapshot && !ended {
		s.cfg.Logger.Warn("built-in vector store: snapshot has no end record, keeping the good prefix", "file", path, "records", count)
		return false, nil
	}
	return true, nil
}

// replayer batches consecutive upserts of one namespace so they are linked in parallel.
type replayer struct {
	s     *Store
	ns    string
	batch []vectorstore.Point
	now   time.Time
}

func newReplayer(s *Store) *replayer { return &replayer{s: s, now: s.cfg.Now()} }

func (r *replayer) flush() {
	if len(r.batch) == 0 {
		return
	}
	x := r.s.lookup(r.ns)
	if x == nil {
		var err error
		if x, err = r.s.namespace(r.ns, len(r.batch[0].Vector)); err != nil {
			r.batch = r.batch[:0]
			return
		}
	}
	if x.dim == len(r.batch[0].Vector) {
		_ = r.s.insert(x, r.ns, r.batch)
	}
	r.batch = r.batch[:0]
}

func (r *replayer) apply(rec record) error {
	if rec.typ != recUpsert || rec.ns != r.ns || len(r.batch) >= 8192 {
		r.flush()
		r.ns = rec.ns
	}
	s := r.s
	switch rec.typ {
	case recEnsure:
		if x := s.lookup(rec.ns); x == nil && rec.dim > 0 {
			_, _ = s.namespace(rec.ns, rec.dim)
		}
	case recUpsert:
		if rec.expires != 0 && rec.expires <= r.now.UnixNano() {
			// Expired while the store was down: drop any older version instead.
			if x := s.lookup(rec.ns); x != nil {
				x.mu.Lock()
				if b, ok := x.removeLocked(rec.id); ok {
					s.points.Add(-1)
					s.bytes.Add(-b)
				}
				x.mu.Unlock()
			}
			return nil
		}
		p := vectorstore.Point{ID: rec.id, Vector: rec.vec, Payload: decodePayload(rec.payload)}
		if rec.expires != 0 {
			p.ExpiresAt = unixTime(rec.expires)
		}
		r.batch = append(r.batch, p)
	case recDelete:
		if x := s.lookup(rec.ns); x != nil {
			x.mu.Lock()
			if b, ok := x.removeLocked(rec.id); ok {
				s.points.Add(-1)
				s.bytes.Add(-b)
			}
			x.mu.Unlock()
		}
	case recDrop:
		s.mu.Lock()
		if x := s.nss[rec.ns]; x != nil {
			delete(s.nss, rec.ns)
			s.points.Add(-int64(x.live))
			s.bytes.Add(-x.bytes)
		}
		s.mu.Unlock()
	}
	return nil
}

func (s *Store) flushLoop(every time.Duration) {
	defer s.bg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			if err := s.log.flush(s.cfg.Fsync != FsyncNever); err != nil {
				s.cfg.Logger.Error("built-in vector store: log flush failed", "err", err)
				continue
			}
			if s.log.currentSize() > s.cfg.CompactBytes {
				if err := s.compact(); err != nil {
					s.cfg.Logger.Error("built-in vector store: compaction failed", "err", err)
				}
			}
		}
	}
}

// compact writes a snapshot of every namespace and removes the files it replaces.
func (s *Store) compact() error {
	s.compactMu.Lock()
	defer s.compactMu.Unlock()
	seq, err := s.log.rotate()
	if err != nil {
		return err
	}
	dir := s.cfg.Dir
	tmp := filepath.Join(dir, snapName(seq)+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("create snapshot: %w", err)
	}
	w := bufio.NewWriterSize(f, 4<<20)
	var buf []byte
	count := 0
	for ns, x := range s.snapshotNamespaces() {
		var n int
		buf, n, err = writeGraph(w, buf, ns, x)
		count += n
		if err != nil {
			break
		}
	}
	if err == nil {
		buf = encodeEnd(buf[:0], count)
		_, err = w.Write(buf)
	}
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, snapName(seq)))
	}
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write snapshot: %w", err)
	}
	files, err := listDir(dir, false)
	if err != nil {
		return err
	}
	var errs []error
	for _, n := range files.snaps {
		if n < seq {
			errs = append(errs, os.Remove(filepath.Join(dir, snapName(n))))
		}
	}
	for _, n := range files.wals {
		if n < seq {
			errs = append(errs, os.Remove(filepath.Join(dir, walName(n))))
		}
	}
	return errors.Join(errs...)
}

// Compact writes a snapshot now and removes the logs it replaces. It runs on its own
// when the log passes CompactBytes; tests and admin tools call it directly.
func (s *Store) Compact() error {
	if err := s.begin(context.Background()); err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	defer s.end()
	if s.log == nil {
		return nil
	}
	return s.compact()
}

// writeGraph writes one namespace's graph records and returns how many points it wrote.
func writeGraph(w io.Writer, buf []byte, ns string, x *index) ([]byte, int, error) {
	x.fixOrphans()
	x.linkMu.Lock()
	defer x.linkMu.Unlock()
	x.mu.RLock()
	defer x.mu.RUnlock()
	isFree := make([]bool, x.n)
	for _, i := range x.free {
		isFree[i] = true
	}
	buf = encodeGraphHeader(buf[:0], ns, x)
	if _, err := w.Write(buf); err != nil {
		return buf, 0, err
	}
	for from := uint32(0); from < x.n; from += nodesPerRecord {
		buf = encodeNodes(buf[:0], ns, x, from, min(from+nodesPerRecord, x.n), isFree)
		if _, err := w.Write(buf); err != nil {
			return buf, 0, err
		}
	}
	buf = encodeGraphEnd(buf[:0], ns, x)
	_, err := w.Write(buf)
	return buf, x.live, err
}
