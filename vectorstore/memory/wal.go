package memory

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// wal appends records to the current log file. Records reach the file when the buffer
// fills and at every flush (each FlushInterval, and before Upsert returns with
// FsyncAlways); a process killed between flushes loses the buffer, and its torn last
// record is cut off at recovery by the checksum.
type wal struct {
	dir   string
	quant bool

	mu    sync.Mutex
	f     *os.File
	w     *bufio.Writer
	seq   uint64
	size  int64 // bytes of the current file, buffered included
	buf   []byte
	dirty bool
	fail  error // sticky write error
}

func walName(seq uint64) string  { return fmt.Sprintf("wal-%016d.log", seq) }
func snapName(seq uint64) string { return fmt.Sprintf("snap-%016d.dat", seq) }

// openWAL creates a new log file with sequence number seq.
func openWAL(dir string, seq uint64, quant bool) (*wal, error) {
	l := &wal{dir: dir, quant: quant}
	if err := l.openFile(seq); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *wal) openFile(seq uint64) error {
	f, err := os.OpenFile(filepath.Join(l.dir, walName(seq)), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("open log: %w", err)
	}
	if err := syncDir(l.dir); err != nil {
		f.Close()
		return err
	}
	l.f, l.seq, l.size = f, seq, 0
	if l.w == nil {
		l.w = bufio.NewWriterSize(f, 1<<20)
	} else {
		l.w.Reset(f)
	}
	return nil
}

func (l *wal) write(b []byte) error {
	if l.fail != nil {
		return l.fail
	}
	if _, err := l.w.Write(b); err != nil {
		l.fail = fmt.Errorf("write log: %w", err)
		return l.fail
	}
	l.size += int64(len(b))
	l.dirty = true
	return nil
}

func (l *wal) appendUpsert(ns, id, payload string, expires int64, unit []float32) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = encodeUpsert(l.buf[:0], ns, id, payload, expires, unit, l.quant)
	return l.write(l.buf)
}

func (l *wal) appendDelete(ns, id string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = encodeDelete(l.buf[:0], ns, id)
	return l.write(l.buf)
}

func (l *wal) appendDrop(ns string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = encodeNS(l.buf[:0], recDrop, ns)
	return l.write(l.buf)
}

func (l *wal) appendEnsure(ns string, dim int) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = encodeEnsure(l.buf[:0], ns, dim)
	return l.write(l.buf)
}

// flushLocked writes the buffer out and, when fsync is set, syncs the file.
func (l *wal) flushLocked(fsync bool) error {
	if l.fail != nil {
		return l.fail
	}
	if !l.dirty {
		return nil
	}
	if err := l.w.Flush(); err != nil {
		l.fail = fmt.Errorf("flush log: %w", err)
		return l.fail
	}
	if fsync {
		if err := l.f.Sync(); err != nil {
			l.fail = fmt.Errorf("fsync log: %w", err)
			return l.fail
		}
	}
	l.dirty = false
	return nil
}

func (l *wal) flush(fsync bool) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.flushLocked(fsync)
}

func (l *wal) sync() error { return l.flush(true) }

func (l *wal) err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.fail
}

func (l *wal) currentSize() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.size
}

// rotate closes the current file (flushed and synced) and starts the next one,
// returning the new sequence number.
func (l *wal) rotate() (uint64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.dirty = true
	if err := l.flushLocked(true); err != nil {
		return 0, err
	}
	if err := l.f.Close(); err != nil {
		return 0, fmt.Errorf("close log: %w", err)
	}
	if err := l.openFile(l.seq + 1); err != nil {
		l.fail = err
		return 0, err
	}
	return l.seq, nil
}

func (l *wal) close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.dirty = true
	err := l.flushLocked(true)
	if cerr := l.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close log: %w", cerr)
	}
	return err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open data directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("fsync data directory: %w", err)
	}
	return nil
}
