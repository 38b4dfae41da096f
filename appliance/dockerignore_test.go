package appliance

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// ignoreRule is one .dockerignore line.
type ignoreRule struct {
	re     *regexp.Regexp
	negate bool
}

// parseDockerignore reads .dockerignore rules: comments and blank lines are skipped, a
// leading '!' re-includes, '**' matches any number of directories, '*' and '?' stay
// within one path element; a rule matching a directory matches everything under it.
func parseDockerignore(src string) ([]ignoreRule, error) {
	var rules []ignoreRule
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r := ignoreRule{}
		if rest, ok := strings.CutPrefix(line, "!"); ok {
			r.negate, line = true, strings.TrimSpace(rest)
		}
		line = strings.Trim(filepath.ToSlash(filepath.Clean(line)), "/")
		var b strings.Builder
		b.WriteString("^")
		for i := 0; i < len(line); i++ {
			switch c := line[i]; {
			case strings.HasPrefix(line[i:], "**/"):
				b.WriteString("(?:.*/)?")
				i += 2
			case strings.HasPrefix(line[i:], "**"):
				b.WriteString(".*")
				i++
			case c == '*':
				b.WriteString("[^/]*")
			case c == '?':
				b.WriteString("[^/]")
			default:
				b.WriteString(regexp.QuoteMeta(string(c)))
			}
		}
		b.WriteString("(?:/.*)?$")
		re, err := regexp.Compile(b.String())
		if err != nil {
			return nil, fmt.Errorf(".dockerignore %q: %w", line, err)
		}
		r.re = re
		rules = append(rules, r)
	}
	return rules, nil
}

// ignored reports whether rel (slash-separated, relative to the context) is left out.
func ignored(rules []ignoreRule, rel string) bool {
	out := false
	for _, r := range rules {
		if r.re.MatchString(rel) {
			out = !r.negate
		}
	}
	return out
}

// dockerContext recreates the build context docker would send: the repository without
// what .dockerignore leaves out, as hard links (copies across file systems) under dst.
func dockerContext(root, dst string) error {
	raw, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	if err != nil {
		return err
	}
	rules, err := parseDockerignore(string(raw))
	if err != nil {
		return err
	}
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed while walking (the tree is shared with running builds)
		}
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil || rel == "." {
			return err
		}
		if ignored(rules, filepath.ToSlash(rel)) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case d.Type().IsRegular():
			if os.Link(path, target) == nil {
				return nil
			}
			if err := copyFile(path, target); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			return nil
		}
		return nil
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, st.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func TestDockerignoreRules(t *testing.T) {
	rules, err := parseDockerignore("# c\n.git\n**/*.test\nbench/out\n**/testdata/*.bin\n!keep/me.test\n")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path string
		out  bool
	}{
		{".git", true},
		{".git/config", true},
		{".gitignore", false},
		{"gateway.test", true},
		{"a/b/c.test", true},
		{"keep/me.test", false},
		{"bench/out/report.json", true},
		{"bench/outline.go", false},
		{"cache/embed/uselite/testdata/golden.bin", true},
		{"cache/embed/uselite/assets/model.bin", false},
		{"cmd/muninn/main.go", false},
	}
	for _, tc := range cases {
		if got := ignored(rules, tc.path); got != tc.out {
			t.Errorf("%s: ignored = %v, want %v", tc.path, got, tc.out)
		}
	}
}
