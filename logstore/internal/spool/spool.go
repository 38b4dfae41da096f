package spool

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
)

const (
	header      = "MUNSPL01"
	frameMagic  = 0x474c4e4d // "MNLG" little-endian
	frameHeader = 12
	// MaxPayload bounds one payload, so a corrupt length cannot ask for a huge read.
	MaxPayload = 64 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ErrFull is returned by Append when the spool's size bound is reached; the payloads not
// written must be counted as dropped by the caller.
var ErrFull = errors.New("spool full")

// SyncPolicy says when appended data is fsynced.
type SyncPolicy int

const (
	// SyncInterval leaves fsync to the caller's periodic Sync (the Batcher calls it every
	// flush interval). A process crash loses nothing; a power loss loses at most one
	// interval.
	SyncInterval SyncPolicy = iota
	// SyncAlways fsyncs after every Append.
	SyncAlways
	// SyncNever leaves it to the operating system.
	SyncNever
)

// Options configure a spool.
type Options struct {
	SegmentBytes int64 // seal a segment past this size; default 16 MiB
	MaxBytes     int64 // refuse appends past this total; default 1 GiB
	Sync         SyncPolicy
	// OnCorrupt is called (from the replaying goroutine) for every corrupt region found.
	OnCorrupt func(Corruption)
}

// Corruption describes a skipped region of a segment.
type Corruption struct {
	Segment string // file path
	Offset  int64  // where the bad region starts
	Bytes   int64  // how many bytes were skipped
}

func (c Corruption) String() string {
	return fmt.Sprintf("corrupt spool segment %s: %d bytes skipped at offset %d", c.Segment, c.Bytes, c.Offset)
}

// Stats are the spool's counters.
type Stats struct {
	Bytes          int64 // on disk, pending replay
	Segments       int
	CorruptRegions int64
	CorruptBytes   int64
}

type segment struct {
	seq  uint64
	size int64
}

// Spool is an on-disk FIFO of payloads.
type Spool struct {
	dir  string
	opts Options

	mu         sync.Mutex
	sealed     []segment // oldest first
	active     *os.File  // nil until the first append after a seal
	activeSeq  uint64
	activeSize int64
	nextSeq    uint64
	size       int64
	dirty      bool
	closed     bool
	frameBuf   []byte

	corruptRegions, corruptBytes int64

	// Reader state, owned by the replaying goroutine.
	rd struct {
		seq      uint64
		path     string
		data     []byte
		off      int  // committed position
		readTo   int  // position after the last Next
		reported int  // corruption before this offset was reported
		loaded   bool // data holds segment seq
		payload  [][]byte
	}
}

// Open opens (creating) the spool in dir and finds the segments a previous process left.
func Open(dir string, opts Options) (*Spool, error) {
	if opts.SegmentBytes <= 0 {
		opts.SegmentBytes = 16 << 20
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = 1 << 30
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create spool dir: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read spool dir: %w", err)
	}
	s := &Spool{dir: dir, opts: opts, nextSeq: 1}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".seg") {
			continue
		}
		seq, err := strconv.ParseUint(strings.TrimSuffix(name, ".seg"), 10, 64)
		if err != nil {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return nil, fmt.Errorf("stat spool segment: %w", err)
		}
		s.sealed = append(s.sealed, segment{seq: seq, size: info.Size()})
		s.size += info.Size()
		if seq >= s.nextSeq {
			s.nextSeq = seq + 1
		}
	}
	sort.Slice(s.sealed, func(i, j int) bool { return s.sealed[i].seq < s.sealed[j].seq })
	return s, nil
}

func (s *Spool) path(seq uint64) string {
	return filepath.Join(s.dir, fmt.Sprintf("%020d.seg", seq))
}

// Append writes payloads as frames, in one write. It returns how many were written; when
// that is fewer than len(payloads) the error says why (ErrFull for the size bound).
func (s *Spool) Append(payloads [][]byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, errors.New("spool closed")
	}
	written := 0
	for written < len(payloads) {
		if s.active == nil || s.activeSize >= s.opts.SegmentBytes {
			if err := s.rotateLocked(); err != nil {
				return written, err
			}
		}
		// Frame as many payloads as fit the segment and the size bound.
		buf := s.frameBuf[:0]
		n := 0
		full := false
		for _, p := range payloads[written:] {
			if len(p) > MaxPayload {
				return written, fmt.Errorf("spool payload of %d bytes exceeds %d", len(p), MaxPayload)
			}
			fl := int64(frameHeader + len(p))
			if s.size+int64(len(buf))+fl > s.opts.MaxBytes {
				full = true
				break
			}
			if n > 0 && s.activeSize+int64(len(buf))+fl > s.opts.SegmentBytes {
				break
			}
			buf = binary.LittleEndian.AppendUint32(buf, frameMagic)
			buf = binary.LittleEndian.AppendUint32(buf, uint32(len(p)))
			buf = binary.LittleEndian.AppendUint32(buf, crc32.Checksum(p, castagnoli))
			buf = append(buf, p...)
			n++
		}
		if cap(buf) <= 4<<20 {
			s.frameBuf = buf
		}
		if n > 0 {
			if _, err := s.active.Write(buf); err != nil {
				// A partial write leaves a torn frame that replay skips and reports.
				return written, fmt.Errorf("write spool segment: %w", err)
			}
			s.activeSize += int64(len(buf))
			s.size += int64(len(buf))
			s.dirty = true
			written += n
		}
		if full {
			return written, ErrFull
		}
	}
	if s.opts.Sync == SyncAlways {
		if err := s.syncLocked(); err != nil {
			return written, err
		}
	}
	return written, nil
}

// rotateLocked seals the active segment (if any) and opens a new one.
func (s *Spool) rotateLocked() error {
	s.sealLocked()
	seq := s.nextSeq
	f, err := os.OpenFile(s.path(seq), os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return fmt.Errorf("create spool segment: %w", err)
	}
	if _, err := f.Write([]byte(header)); err != nil {
		f.Close()
		return fmt.Errorf("write spool segment header: %w", err)
	}
	s.nextSeq++
	s.active, s.activeSeq, s.activeSize = f, seq, int64(len(header))
	s.size += int64(len(header))
	s.dirty = true
	return nil
}

// sealLocked closes the active segment and hands it to the reader.
func (s *Spool) sealLocked() {
	if s.active == nil {
		return
	}
	if s.dirty && s.opts.Sync != SyncNever {
		_ = s.active.Sync()
	}
	_ = s.active.Close()
	s.dirty = false
	s.sealed = append(s.sealed, segment{seq: s.activeSeq, size: s.activeSize})
	s.active = nil
}

// Sync fsyncs the active segment if it has unsynced data.
func (s *Spool) Sync() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.syncLocked()
}

func (s *Spool) syncLocked() error {
	if s.active == nil || !s.dirty || s.opts.Sync == SyncNever {
		return nil
	}
	s.dirty = false
	if err := s.active.Sync(); err != nil {
		return fmt.Errorf("fsync spool segment: %w", err)
	}
	return nil
}

// Empty reports whether nothing is waiting for replay.
func (s *Spool) Empty() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sealed) == 0 && (s.active == nil || s.activeSize <= int64(len(header)))
}

// Stats returns the spool's counters.
func (s *Spool) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.sealed)
	if s.active != nil {
		n++
	}
	return Stats{Bytes: s.size, Segments: n, CorruptRegions: s.corruptRegions, CorruptBytes: s.corruptBytes}
}

// Close syncs and closes the active segment. Data stays on disk for the next Open.
func (s *Spool) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	err := s.syncLocked()
	if s.active != nil {
		if cerr := s.active.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close spool segment: %w", cerr)
		}
		s.active = nil
	}
	return err
}
