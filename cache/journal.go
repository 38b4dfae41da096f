package cache

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// journal persists the exact tier as an append-only file of records:
//
//	[4-byte little-endian length][4-byte CRC-32C of the body][body]
//
// where body is one op byte ('P' put, 'D' delete) and a JSON entry or a bare id. Records
// are written with one write(2) each, so a killed process loses nothing that was written;
// the file is fsynced on Sync (every sweep) and Close, which bounds what a power loss
// loses. On open, a torn or corrupt tail is truncated to the last good record. The file
// is rewritten (compacted) when dead records outweigh live ones.
type journal struct {
	mu      sync.Mutex
	path    string
	f       *os.File
	size    int64
	records int // records in the file
	buf     []byte
}

const journalName = "cache-entries.journal"

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// openJournal reads the journal in dir, calling apply for every good record, and opens
// it for appending. It returns how many bytes of a bad tail it dropped.
func openJournal(dir string, apply func(op byte, e *Entry, id string)) (*journal, int64, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, 0, fmt.Errorf("cache journal: create dir: %w", err)
	}
	path := filepath.Join(dir, journalName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, 0, fmt.Errorf("cache journal: open: %w", err)
	}
	j := &journal{path: path, f: f}
	good, dropped, err := j.replay(apply)
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if dropped > 0 {
		if err := f.Truncate(good); err != nil {
			f.Close()
			return nil, 0, fmt.Errorf("cache journal: truncate bad tail: %w", err)
		}
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("cache journal: seek: %w", err)
	}
	j.size = good
	return j, dropped, nil
}

func (j *journal) replay(apply func(op byte, e *Entry, id string)) (good, dropped int64, err error) {
	st, err := j.f.Stat()
	if err != nil {
		return 0, 0, fmt.Errorf("cache journal: stat: %w", err)
	}
	r := bufio.NewReaderSize(j.f, 1<<16)
	var hdr [8]byte
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			break // clean end or torn header
		}
		n := binary.LittleEndian.Uint32(hdr[:4])
		sum := binary.LittleEndian.Uint32(hdr[4:])
		if n == 0 || int64(n) > st.Size()-good-8 {
			break
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(r, body); err != nil {
			break
		}
		if crc32.Checksum(body, crcTable) != sum {
			break
		}
		switch body[0] {
		case 'P':
			e := new(Entry)
			if err := json.Unmarshal(body[1:], e); err != nil || e.ID == "" {
				return good, st.Size() - good, nil
			}
			apply('P', e, e.ID)
		case 'D':
			apply('D', nil, string(body[1:]))
		default:
			return good, st.Size() - good, nil
		}
		good += 8 + int64(n)
		j.records++
	}
	return good, st.Size() - good, nil
}

func (j *journal) appendPut(e *Entry) error {
	body, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("cache journal: encode entry: %w", err)
	}
	return j.append('P', body)
}

func (j *journal) appendDelete(id string) error { return j.append('D', []byte(id)) }

func (j *journal) append(op byte, payload []byte) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return errJournalClosed
	}
	j.buf = appendRecord(j.buf[:0], op, payload)
	if _, err := j.f.Write(j.buf); err != nil {
		return fmt.Errorf("cache journal: write: %w", err)
	}
	j.size += int64(len(j.buf))
	j.records++
	if cap(j.buf) > 1<<20 {
		j.buf = nil
	}
	return nil
}

func appendRecord(dst []byte, op byte, payload []byte) []byte {
	n := len(payload) + 1
	var hdr [8]byte
	binary.LittleEndian.PutUint32(hdr[:4], uint32(n))
	start := len(dst)
	dst = append(dst, hdr[:]...)
	dst = append(dst, op)
	dst = append(dst, payload...)
	binary.LittleEndian.PutUint32(dst[start+4:], crc32.Checksum(dst[start+8:], crcTable))
	return dst
}

var errJournalClosed = errors.New("cache journal: closed")

// needsCompaction reports whether dead records dominate.
func (j *journal) needsCompaction(live int) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.f != nil && j.records > 1024 && j.records > 2*live
}

// compact rewrites the journal with only the given entries. Appends made meanwhile wait;
// they may repeat a put or delete an absent id, both harmless on replay.
func (j *journal) compact(live []*Entry, now time.Time) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return errJournalClosed
	}
	tmp := j.path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("cache journal: compact: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<16)
	var size int64
	var buf []byte
	n := 0
	for _, e := range live {
		if e.expired(now) {
			continue
		}
		body, err := json.Marshal(e)
		if err != nil {
			continue
		}
		buf = appendRecord(buf[:0], 'P', body)
		if _, err := w.Write(buf); err != nil {
			f.Close()
			os.Remove(tmp)
			return fmt.Errorf("cache journal: compact write: %w", err)
		}
		size += int64(len(buf))
		n++
	}
	if err := w.Flush(); err == nil {
		err = f.Sync()
	}
	if err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("cache journal: compact flush: %w", err)
	}
	if err := os.Rename(tmp, j.path); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("cache journal: compact rename: %w", err)
	}
	j.f.Close()
	j.f, j.size, j.records = f, size, n
	syncDir(filepath.Dir(j.path))
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

func (j *journal) sync() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	return j.f.Sync()
}

func (j *journal) close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	err := j.f.Sync()
	if cerr := j.f.Close(); err == nil {
		err = cerr
	}
	j.f = nil
	return err
}
