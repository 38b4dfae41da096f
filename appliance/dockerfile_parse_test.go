package appliance

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction with its continuation lines joined.
type instruction struct {
	Line  int    // first line, 1-based
	Cmd   string // upper case: FROM, RUN, COPY, ...
	Args  string // the rest, continuations joined with a space
	Stage int    // index of the build stage (the FROM it follows)
}

// parseDockerfile reads the instructions of a Dockerfile: comments and blank lines are
// dropped, lines ending in a backslash continue on the next one.
func parseDockerfile(src string) ([]instruction, error) {
	var out []instruction
	lines := strings.Split(src, "\n")
	stage := -1
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		start := i + 1
		for strings.HasSuffix(line, `\`) {
			line = strings.TrimSpace(strings.TrimSuffix(line, `\`))
			i++
			if i >= len(lines) {
				return nil, fmt.Errorf("line %d: continuation at end of file", start)
			}
			next := strings.TrimSpace(lines[i])
			if strings.HasPrefix(next, "#") {
				next = `\` // a comment inside a continuation is skipped
			}
			line += " " + next
		}
		cmd, args, _ := strings.Cut(line, " ")
		cmd = strings.ToUpper(cmd)
		if cmd == "FROM" {
			stage++
		}
		if stage < 0 && cmd != "ARG" {
			return nil, fmt.Errorf("line %d: %s before the first FROM", start, cmd)
		}
		out = append(out, instruction{Line: start, Cmd: cmd, Args: strings.TrimSpace(args), Stage: stage})
	}
	if stage < 0 {
		return nil, fmt.Errorf("no FROM instruction")
	}
	return out, nil
}

func readDockerfile(t *testing.T) []instruction {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	ins, err := parseDockerfile(string(raw))
	if err != nil {
		t.Fatalf("Dockerfile: %v", err)
	}
	return ins
}

// goBuild is the image's `go build` step.
type goBuild struct {
	Command string            // the shell command of the RUN instruction
	Output  string            // its -o path
	Args    map[string]string // ARG defaults of its stage
}

var buildOutput = regexp.MustCompile(`(^|\s)-o\s+(\S+)`)

// findGoBuild returns the RUN instruction that builds ./cmd/muninn.
func findGoBuild(ins []instruction) (goBuild, error) {
	args := map[string]string{}
	var found []goBuild
	for _, in := range ins {
		switch in.Cmd {
		case "FROM":
			args = map[string]string{}
		case "ARG":
			k, v, _ := strings.Cut(in.Args, "=")
			args[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"`)
		case "RUN":
			if !strings.Contains(in.Args, "go build") || !strings.Contains(in.Args, "./cmd/muninn") {
				continue
			}
			m := buildOutput.FindStringSubmatch(in.Args)
			if m == nil {
				return goBuild{}, fmt.Errorf("line %d: go build without -o", in.Line)
			}
			a := map[string]string{}
			for k, v := range args {
				a[k] = v
			}
			found = append(found, goBuild{Command: in.Args, Output: m[2], Args: a})
		}
	}
	if len(found) != 1 {
		return goBuild{}, fmt.Errorf("want exactly one RUN ... go build ... ./cmd/muninn, found %d", len(found))
	}
	return found[0], nil
}

func TestParseDockerfile(t *testing.T) {
	cases := []struct {
		name    string
		src     string
		want    []instruction
		wantErr string
	}{
		{"continuations and comments", "ARG A=1\nFROM x AS b\n# c\nRUN a \\\n  b \\\n  # inner\n  c\nFROM y\nUSER 1\n",
			[]instruction{{1, "ARG", "A=1", -1}, {2, "FROM", "x AS b", 0}, {4, "RUN", "a b c", 0}, {8, "FROM", "y", 1}, {9, "USER", "1", 1}}, ""},
		{"no FROM", "ARG A\n", nil, "no FROM"},
		{"RUN before FROM", "RUN x\nFROM y\n", nil, "before the first FROM"},
		{"dangling continuation", "FROM x\nRUN a \\", nil, "continuation at end of file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseDockerfile(tc.src)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("got  %v\nwant %v", got, tc.want)
			}
		})
	}
}
