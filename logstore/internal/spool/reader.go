package spool

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
)

// Next returns up to max payloads from the oldest unacknowledged position. Calling Next
// again without Ack returns the same payloads (a failed replay is retried). The payloads
// are valid until the next call to Next or Ack. It returns nil when the spool is empty.
func (s *Spool) Next(max int) ([][]byte, error) {
	if max <= 0 {
		max = 1
	}
	for {
		if !s.rd.loaded {
			ok, err := s.loadOldest()
			if err != nil || !ok {
				return nil, err
			}
		}
		out := s.rd.payload[:0]
		pos := s.rd.off
		for len(out) < max && pos < len(s.rd.data) {
			p, next, ok := s.parseAt(pos)
			if !ok {
				next = s.resync(pos)
				s.report(pos, next)
				pos = next
				continue
			}
			out = append(out, p)
			pos = next
		}
		s.rd.payload = out
		s.rd.readTo = pos
		if len(out) > 0 {
			return out, nil
		}
		// Nothing left in this segment (or only corruption): done with it.
		s.finishSegment()
	}
}

// Ack commits the payloads returned by the last Next; a fully replayed segment is deleted.
func (s *Spool) Ack() {
	if !s.rd.loaded {
		return
	}
	s.rd.off = s.rd.readTo
	s.rd.payload = s.rd.payload[:0]
	if s.rd.off >= len(s.rd.data) {
		s.finishSegment()
	}
}

// loadOldest reads the oldest sealed segment, sealing the active one when the reader has
// caught up with the writer.
func (s *Spool) loadOldest() (bool, error) {
	s.mu.Lock()
	if len(s.sealed) == 0 {
		if s.active == nil || s.activeSize <= int64(len(header)) {
			s.mu.Unlock()
			return false, nil
		}
		s.sealLocked()
	}
	seg := s.sealed[0]
	s.mu.Unlock()

	path := s.path(seg.seq)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		data, err = nil, nil
	}
	if err != nil {
		return false, fmt.Errorf("read spool segment: %w", err)
	}
	s.rd.seq, s.rd.path, s.rd.data, s.rd.loaded = seg.seq, path, data, true
	s.rd.off, s.rd.readTo, s.rd.reported = 0, 0, 0
	if len(data) >= len(header) && string(data[:len(header)]) == header {
		s.rd.off = len(header)
	} else if len(data) > 0 {
		// A bad header: report it and let the frame scan find what survives.
		next := s.resync(0)
		s.report(0, next)
		s.rd.off = next
	}
	s.rd.readTo = s.rd.off
	return true, nil
}

// finishSegment deletes the segment being read.
func (s *Spool) finishSegment() {
	s.mu.Lock()
	for i, seg := range s.sealed {
		if seg.seq == s.rd.seq {
			s.size -= seg.size
			s.sealed = append(s.sealed[:i], s.sealed[i+1:]...)
			break
		}
	}
	s.mu.Unlock()
	_ = os.Remove(s.rd.path)
	s.rd.loaded, s.rd.data, s.rd.off, s.rd.readTo = false, nil, 0, 0
}

// parseAt parses the frame at pos.
func (s *Spool) parseAt(pos int) (payload []byte, next int, ok bool) {
	d := s.rd.data
	if len(d)-pos < frameHeader || binary.LittleEndian.Uint32(d[pos:]) != frameMagic {
		return nil, 0, false
	}
	n := int(binary.LittleEndian.Uint32(d[pos+4:]))
	if n > MaxPayload || n > len(d)-pos-frameHeader {
		return nil, 0, false
	}
	p := d[pos+frameHeader : pos+frameHeader+n]
	if crc32.Checksum(p, castagnoli) != binary.LittleEndian.Uint32(d[pos+8:]) {
		return nil, 0, false
	}
	return p, pos + frameHeader + n, true
}

// resync returns the position of the next valid frame after pos, or the end of data.
func (s *Spool) resync(pos int) int {
	var magic [4]byte
	binary.LittleEndian.PutUint32(magic[:], frameMagic)
	d := s.rd.data
	for at := pos + 1; at < len(d); {
		i := bytes.Index(d[at:], magic[:])
		if i < 0 {
			break
		}
		at += i
		if _, _, ok := s.parseAt(at); ok {
			return at
		}
		at++
	}
	return len(d)
}

// report records a skipped region once, even when Next re-reads it after a failed replay.
func (s *Spool) report(from, to int) {
	if from < s.rd.reported {
		return // already reported by an earlier Next over the same range
	}
	s.rd.reported = to
	c := Corruption{Segment: s.rd.path, Offset: int64(from), Bytes: int64(to - from)}
	s.mu.Lock()
	s.corruptRegions++
	s.corruptBytes += c.Bytes
	s.mu.Unlock()
	if s.opts.OnCorrupt != nil {
		s.opts.OnCorrupt(c)
	}
}
