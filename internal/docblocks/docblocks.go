// Package docblocks keeps the output shown in the docs true.
//
// A page in docs/ marks an output block with an HTML comment that names the
// command producing it; the fenced block right after the comment holds what
// the command printed:
//
//	<!-- output: go run ./01-threads -n 4
//	mask: took \S+
//	unordered
//	-->
//	```text
//	...what the command printed...
//	```
//
// The comment's first line is the command, run with sh -c from the module
// root, with NO_COLOR=1 and TERM=dumb so nothing is coloured. Further lines
// are options:
//
//	mask: REGEX   text matching REGEX is ignored when comparing (repeatable);
//	              "mask: timeline" ignores the bars of a timeline drawing
//	unordered     the lines may come in any order; compare them sorted
//	exit: N       the command is expected to exit with status N (default 0)
//	timeout: D    how long the command may run (default 2m)
//
// Update rewrites every block from a fresh run (make docs); Check reports the
// blocks whose text no longer matches what the code prints, after masking the
// numbers that honestly vary between runs: durations, hex addresses,
// goroutine IDs, PIDs, and whatever the block's own masks say.
package docblocks

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gocourse/concurrency/internal/harness"
)

// A Block is one marked output block in a page.
type Block struct {
	File      string           // the page, as given to Parse
	Line      int              // 1-based line of the marker comment
	Command   string           // the shell command
	Masks     []*regexp.Regexp // the block's own masks
	Unordered bool             // compare lines as a sorted list
	Exit      int              // the expected exit status
	Timeout   time.Duration    // how long the command may run
	Text      string           // the block's current text, ending in "\n" unless empty

	// Where the text sits in the page's lines: [from, to), fences excluded.
	from, to int
}

// Where reports the block's place as file:line.
func (b Block) Where() string { return fmt.Sprintf("%s:%d", b.File, b.Line) }

const marker = "<!-- output:"

// namedMasks are shorthands for masks that several pages need.
var namedMasks = map[string]string{
	// The bars between the two | of a timeline row move with timing, and so
	// does the axis above the rows: "0", then spaces that pad the total
	// duration to the right edge, one more for "1.2s" than for "229ms".
	"timeline": `(?m)\|.*\|$|^ {2,}0 +\S+$`,
}

// Parse finds the marked blocks in a page's text.
func Parse(file string, text string) ([]Block, error) {
	lines := strings.Split(text, "\n")
	var blocks []Block
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(strings.TrimSpace(lines[i]), marker) {
			continue
		}
		b := Block{File: file, Line: i + 1, Timeout: 2 * time.Minute}
		// The comment: the command on the first line, options after it.
		first := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(lines[i]), marker))
		var opts []string
		closed := false
		if c, ok := strings.CutSuffix(first, "-->"); ok {
			first, closed = strings.TrimSpace(c), true
		}
		b.Command = first
		for !closed {
			i++
			if i >= len(lines) {
				return nil, fmt.Errorf("%s: the comment never closes with -->", b.Where())
			}
			l := strings.TrimSpace(lines[i])
			if c, ok := strings.CutSuffix(l, "-->"); ok {
				l, closed = strings.TrimSpace(c), true
			}
			if l != "" {
				opts = append(opts, l)
			}
		}
		if b.Command == "" {
			return nil, fmt.Errorf("%s: no command after %q", b.Where(), marker)
		}
		for _, o := range opts {
			key, val, _ := strings.Cut(o, ":")
			val = strings.TrimSpace(val)
			switch strings.TrimSpace(key) {
			case "mask":
				if named, ok := namedMasks[val]; ok {
					val = named
				}
				re, err := regexp.Compile(val)
				if err != nil {
					return nil, fmt.Errorf("%s: bad mask %q: %v", b.Where(), val, err)
				}
				b.Masks = append(b.Masks, re)
			case "unordered":
				b.Unordered = true
			case "exit":
				n, err := strconv.Atoi(val)
				if err != nil {
					return nil, fmt.Errorf("%s: bad exit status %q", b.Where(), val)
				}
				b.Exit = n
			case "timeout":
				d, err := time.ParseDuration(val)
				if err != nil || d <= 0 {
					return nil, fmt.Errorf("%s: bad timeout %q", b.Where(), val)
				}
				b.Timeout = d
			default:
				return nil, fmt.Errorf("%s: unknown option %q (want mask, unordered, exit or timeout)", b.Where(), o)
			}
		}
		// The fenced block follows, after blank lines at most.
		j := i + 1
		for j < len(lines) && strings.TrimSpace(lines[j]) == "" {
			j++
		}
		if j >= len(lines) || !strings.HasPrefix(lines[j], "```") {
			return nil, fmt.Errorf("%s: no fenced block after the marker", b.Where())
		}
		k := j + 1
		for k < len(lines) && !strings.HasPrefix(lines[k], "```") {
			k++
		}
		if k >= len(lines) {
			return nil, fmt.Errorf("%s: the fenced block never closes", b.Where())
		}
		b.from, b.to = j+1, k
		if k > j+1 {
			b.Text = strings.Join(lines[j+1:k], "\n") + "\n"
		}
		blocks = append(blocks, b)
		i = k
	}
	return blocks, nil
}

// Run runs the block's command from the module root and returns what it
// printed, stdout and stderr interleaved as a terminal would show them, with
// the module root's path made relative. It fails when the command exits with
// another status than the block expects, times out, or leaves something in
// its TMPDIR (harness.Scratch).
func Run(ctx context.Context, root string, b Block) (string, error) {
	scratch, err := harness.NewScratch()
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, b.Timeout)
	defer cancel()
	cmd := harness.Command(ctx, "sh", "-c", b.Command)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "TERM=dumb", scratch.Env())
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err = cmd.Run()
	text := strings.ReplaceAll(out.String(), root+string(filepath.Separator), "")
	left, serr := scratch.Close()
	if serr == nil && left != "" {
		serr = errors.New(left)
	}
	if serr != nil {
		return text, fmt.Errorf("%s: %q: %w", b.Where(), b.Command, serr)
	}
	if ctx.Err() != nil {
		return text, fmt.Errorf("%s: %q did not finish within %s", b.Where(), b.Command, b.Timeout)
	}
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return text, fmt.Errorf("%s: %q: %v", b.Where(), b.Command, err)
		}
		code = ee.ExitCode()
	}
	if code != b.Exit {
		return text, fmt.Errorf("%s: %q exited with status %d, the page expects %d; it printed:\n%s", b.Where(), b.Command, code, b.Exit, text)
	}
	return text, nil
}

// defaultMasks match what varies from run to run in almost any output.
var defaultMasks = []*regexp.Regexp{
	// Durations as Go prints them: 1.5s, 300µs, 2m3.5s, 12ns.
	regexp.MustCompile(`\d+(\.\d+)?(ns|µs|us|ms|s|m|h)(\d+(\.\d+)?(ns|µs|us|ms|s))*\b`),
	regexp.MustCompile(`0x[0-9a-fA-F]+`),
	regexp.MustCompile(`(?i)\b(goroutine|pid|pid=|pid:) ?\d+`),
	regexp.MustCompile(`\d{4}[/-]\d{2}[/-]\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?`),
}

// Normalize applies the default masks and the block's own to text, and sorts
// the lines if the block is unordered. Two runs of the same code normalise to
// the same string.
func Normalize(b Block, text string) string {
	for _, re := range b.Masks {
		text = re.ReplaceAllString(text, "…")
	}
	for _, re := range defaultMasks {
		text = re.ReplaceAllString(text, "…")
	}
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	if b.Unordered {
		slices.Sort(lines)
	}
	return strings.Join(lines, "\n")
}

// Matches reports whether got, a fresh run's output, matches the block's text.
func Matches(b Block, got string) bool { return Normalize(b, got) == Normalize(b, b.Text) }

// Replace returns page with each block's text replaced by texts[i].
func Replace(page string, blocks []Block, texts []string) string {
	lines := strings.Split(page, "\n")
	var out []string
	prev := 0
	for i, b := range blocks {
		out = append(out, lines[prev:b.from]...)
		t := strings.TrimRight(texts[i], "\n")
		if t != "" {
			out = append(out, strings.Split(t, "\n")...)
		}
		prev = b.to
	}
	out = append(out, lines[prev:]...)
	return strings.Join(out, "\n")
}

// Pages lists the Markdown pages under root/docs.
func Pages(root string) ([]string, error) {
	return filepath.Glob(filepath.Join(root, "docs", "*.md"))
}

// ParseFile reads and parses one page.
func ParseFile(path string) (string, []Block, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", nil, err
	}
	blocks, err := Parse(path, string(data))
	return string(data), blocks, err
}

// UpdateFile reruns every block of one page and rewrites the page, reporting
// each block on log as it goes.
func UpdateFile(ctx context.Context, root, path string, log *bufio.Writer) error {
	page, blocks, err := ParseFile(path)
	if err != nil {
		return err
	}
	texts := make([]string, len(blocks))
	for i, b := range blocks {
		fmt.Fprintf(log, "%s: %s\n", b.Where(), b.Command)
		log.Flush()
		texts[i], err = Run(ctx, root, b)
		if err != nil {
			return err
		}
	}
	updated := Replace(page, blocks, texts)
	if updated == page {
		return nil
	}
	return os.WriteFile(path, []byte(updated), 0o644)
}
