package cacheeval

import (
	"bufio"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/muninn-gw/muninn/cache"
)

//go:embed data/*.txt data/v3/*.txt data/v4/*.txt data/v5/*.txt data/v6/*.txt
var dataFS embed.FS

// The parts of the set, each a directory under data ("" is data itself), in the order
// they were written. Each later part was written by people who had seen neither the
// near-miss checks nor any score, and committed before it was first scored.
const (
	// PartV2 is version 2 of the set: the tuning set, cross-validation fold "tune-a".
	PartV2 = ""
	// PartV3 was the held-out set of version 3 of the checks. Reported on once, it is
	// now tuning data too: cross-validation fold "tune-b".
	PartV3 = "v3"
	// PartV4 was the held-out set of version 4 of the checks. Reported on once, it is
	// now tuning data too: cross-validation fold "tune-c".
	PartV4 = "v4"
	// PartV5 was the held-out set of version 5 of the checks. Reported on once, it is
	// now tuning data too: cross-validation fold "tune-d".
	PartV5 = "v5"
	// ReportPart is the held-out set reported on: never used to choose anything.
	ReportPart = "v6"
)

// parts lists the parts Load reads.
var parts = []string{PartV2, PartV3, PartV4, PartV5, ReportPart}

// Folds are the parts of the tuning set, one cross-validation fold each, named
// "tune-a", "tune-b", … in this order: every part but ReportPart.
func Folds() []string {
	var fs []string
	for _, p := range parts {
		if p != ReportPart {
			fs = append(fs, p)
		}
	}
	return fs
}

// FoldName is the Half name of fold i of Folds.
func FoldName(i int) string { return "tune-" + string(rune('a'+i)) }

// Group is an anchor prompt with its paraphrases (must hit the anchor) and near-misses
// (must not hit).
type Group struct {
	ID          string // file:index, stable ("part/file:index" outside data itself)
	Part        string // the part of the set (PartV2, PartV3, ReportPart)
	Held        bool   // in the held-out (report) set
	Title       string
	Lang        string // "en", "ko"
	Anchor      string
	Paraphrases []string
	NearMisses  []NearMiss
}

// NearMiss is a prompt that looks like the anchor but needs another answer.
type NearMiss struct {
	Kind string // one of cache.NearMissKinds
	Text string
}

// Set is a labelled evaluation set.
type Set struct {
	Groups    []Group
	Unrelated []string
	// UnrelatedPart names, parallel to Unrelated, the part each prompt is from.
	UnrelatedPart []string `json:",omitempty"`
}

// Load returns the set committed with Muninn: every part under cache/cacheeval/data.
func Load() (*Set, error) {
	set := &Set{}
	for _, part := range parts {
		p, err := LoadFS(dataFS, path.Join("data", part))
		if err != nil {
			return nil, err
		}
		for _, g := range p.Groups {
			if part != "" {
				g.ID = part + "/" + g.ID
			}
			g.Part, g.Held = part, part == ReportPart
			set.Groups = append(set.Groups, g)
		}
		for _, u := range p.Unrelated {
			set.Unrelated = append(set.Unrelated, u)
			set.UnrelatedPart = append(set.UnrelatedPart, part)
		}
	}
	return set, nil
}

// LoadFS reads every *.txt file under dir of fsys.
func LoadFS(fsys fs.FS, dir string) (*Set, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.txt"))
	if err != nil {
		return nil, fmt.Errorf("eval set: %w", err)
	}
	slices.Sort(names)
	set := &Set{}
	for _, n := range names {
		f, err := fsys.Open(n)
		if err != nil {
			return nil, fmt.Errorf("eval set: %w", err)
		}
		base := strings.TrimSuffix(path.Base(n), ".txt")
		err = set.parse(base, f)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	if len(set.Groups) == 0 {
		return nil, fmt.Errorf("eval set: no groups under %s", dir)
	}
	return set, nil
}

func (s *Set) parse(file string, r io.Reader) error {
	lang := "en"
	if l, _, ok := strings.Cut(file, "_"); ok && len(l) == 2 {
		lang = l
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var g *Group
	line := 0
	finish := func() error {
		if g == nil {
			return nil
		}
		if g.Anchor == "" || len(g.Paraphrases) == 0 {
			return fmt.Errorf("eval set %s: group %q needs an anchor and a paraphrase", file, g.Title)
		}
		s.Groups = append(s.Groups, *g)
		g = nil
		return nil
	}
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if file == "unrelated" {
			s.Unrelated = append(s.Unrelated, t)
			s.UnrelatedPart = append(s.UnrelatedPart, "")
			continue
		}
		bad := func(msg string) error { return fmt.Errorf("eval set %s:%d: %s: %q", file, line, msg, t) }
		switch {
		case strings.HasPrefix(t, "=="):
			if err := finish(); err != nil {
				return err
			}
			n := 0
			for _, x := range s.Groups {
				if strings.HasPrefix(x.ID, file+":") {
					n++
				}
			}
			g = &Group{ID: fmt.Sprintf("%s:%03d", file, n+1), Title: strings.TrimSpace(t[2:]), Lang: lang}
		case g == nil:
			return bad("line outside a group")
		case strings.HasPrefix(t, "A:"):
			if g.Anchor != "" {
				return bad("second anchor")
			}
			g.Anchor = strings.TrimSpace(t[2:])
		case strings.HasPrefix(t, "P:"):
			g.Paraphrases = append(g.Paraphrases, strings.TrimSpace(t[2:]))
		case strings.HasPrefix(t, "N "):
			kind, text, ok := strings.Cut(t[2:], ":")
			kind = strings.TrimSpace(kind)
			if !ok || !validKind(kind) {
				return bad("near-miss needs a kind (" + strings.Join(cache.NearMissKinds, ", ") + ")")
			}
			g.NearMisses = append(g.NearMisses, NearMiss{Kind: kind, Text: strings.TrimSpace(text)})
		default:
			return bad("expected ==, A:, P: or N <kind>:")
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("eval set %s: %w", file, err)
	}
	return finish()
}

func validKind(k string) bool { return slices.Contains(cache.NearMissKinds, k) }

// Split divides the set into the tuning set and the held-out report set (ReportPart).
func (s *Set) Split() (tune, report *Set) {
	tune, report = &Set{}, &Set{}
	for _, g := range s.Groups {
		if !g.Held {
			tune.Groups = append(tune.Groups, g)
		} else {
			report.Groups = append(report.Groups, g)
		}
	}
	for i, u := range s.Unrelated {
		if !s.unrelatedHeld(i) {
			tune.Unrelated = append(tune.Unrelated, u)
		} else {
			report.Unrelated = append(report.Unrelated, u)
		}
	}
	return tune, report
}

func (s *Set) unrelatedPart(i int) string {
	if i < len(s.UnrelatedPart) {
		return s.UnrelatedPart[i]
	}
	return ""
}

func (s *Set) unrelatedHeld(i int) bool { return s.unrelatedPart(i) == ReportPart }

// Counts summarises a set.
func (s *Set) Counts() (groups, paraphrases, nearMisses, unrelated int) {
	for _, g := range s.Groups {
		paraphrases += len(g.Paraphrases)
		nearMisses += len(g.NearMisses)
	}
	return len(s.Groups), paraphrases, nearMisses, len(s.Unrelated)
}
