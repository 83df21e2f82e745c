package docblocks

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const page = "# Title\n" +
	"\n" +
	"<!-- output: printf 'b\\na\\n' -->\n" +
	"```text\n" +
	"old\n" +
	"```\n" +
	"\n" +
	"<!-- output: echo took 1.5s; exit 3\n" +
	"mask: pid \\d+\n" +
	"unordered\n" +
	"exit: 3\n" +
	"timeout: 10s\n" +
	"-->\n" +
	"\n" +
	"```\n" +
	"```\n" +
	"tail\n"

func TestParse(t *testing.T) {
	blocks, err := Parse("p.md", page)
	require.NoError(t, err)
	require.Len(t, blocks, 2)
	assert.Equal(t, "printf 'b\\na\\n'", blocks[0].Command)
	assert.Equal(t, 3, blocks[0].Line)
	assert.Equal(t, "old\n", blocks[0].Text)
	assert.False(t, blocks[0].Unordered)

	b := blocks[1]
	assert.Equal(t, "echo took 1.5s; exit 3", b.Command)
	assert.True(t, b.Unordered)
	assert.Equal(t, 3, b.Exit)
	assert.Equal(t, "10s", b.Timeout.String())
	require.Len(t, b.Masks, 1)
	assert.Equal(t, "", b.Text)
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, page, want string }{
		{"unclosed comment", "<!-- output: echo\nmask: x\n", "never closes with -->"},
		{"no command", "<!-- output: -->\n```\n```\n", "no command"},
		{"no fence", "<!-- output: echo -->\ntext\n", "no fenced block"},
		{"unclosed fence", "<!-- output: echo -->\n```\nx\n", "never closes"},
		{"bad option", "<!-- output: echo\nsorted\n-->\n```\n```\n", `unknown option "sorted"`},
		{"bad mask", "<!-- output: echo\nmask: (\n-->\n```\n```\n", "bad mask"},
		{"bad exit", "<!-- output: echo\nexit: one\n-->\n```\n```\n", "bad exit status"},
		{"bad timeout", "<!-- output: echo\ntimeout: -1s\n-->\n```\n```\n", "bad timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("p.md", tt.page)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), "p.md:1")
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name      string
		block     Block
		a, b      string
		wantMatch bool
	}{
		{"durations vary", Block{}, "took 1.2ms\n", "took 3.45s\n", true},
		{"compound durations", Block{}, "after 1m2.5s", "after 3s", true},
		{"addresses vary", Block{}, "at 0xc000012345", "at 0xc0000abcde", true},
		{"goroutine ids vary", Block{}, "goroutine 7 [running]:", "goroutine 12 [running]:", true},
		{"pids vary", Block{}, "child pid 4711 done", "child pid 99 done", true},
		{"counts do not", Block{}, "sum = 10", "sum = 11", false},
		{"trailing spaces do not matter", Block{}, "x  \ny\n", "x\ny", true},
		{"order matters by default", Block{}, "a\nb", "b\na", false},
		{"unless unordered", Block{Unordered: true}, "a\nb", "b\na", true},
		{"block masks", mustBlock(t, "<!-- output: x\nmask: lost \\d+\n-->\n```\n```\n"), "lost 17 updates", "lost 3 updates", true},
		{"timeline mask", mustBlock(t, "<!-- output: x\nmask: timeline\n-->\n```\n```\n"), "w1 |[a]  |\nw2 |  [b]|", "w1 | [a] |\nw2 |[b]  |", true},
		{"timeline axis", mustBlock(t, "<!-- output: x\nmask: timeline\n-->\n```\n```\n"), "     0      229ms\nw1 |[a]  |", "     0       1.2s\nw1 | [a] |", true},
		{"not any line with a 0", mustBlock(t, "<!-- output: x\nmask: timeline\n-->\n```\n```\n"), "0 errors", "0 failures", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.block
			b.Text = tt.b
			assert.Equal(t, tt.wantMatch, Matches(b, tt.a), "%q vs %q", Normalize(b, tt.a), Normalize(b, tt.b))
		})
	}
}

func mustBlock(t *testing.T, page string) Block {
	t.Helper()
	bs, err := Parse("p.md", page)
	require.NoError(t, err)
	require.Len(t, bs, 1)
	return bs[0]
}

func TestRunAndReplace(t *testing.T) {
	blocks, err := Parse("p.md", page)
	require.NoError(t, err)
	root := t.TempDir()
	texts := make([]string, len(blocks))
	for i, b := range blocks {
		texts[i], err = Run(t.Context(), root, b)
		require.NoError(t, err)
	}
	assert.Equal(t, "b\na\n", texts[0])
	assert.Equal(t, "took 1.5s\n", texts[1])
	got := Replace(page, blocks, texts)
	assert.Equal(t, strings.Replace(strings.Replace(page, "old\n", "b\na\n", 1), "```\n```\ntail", "```\ntook 1.5s\n```\ntail", 1), got)

	// A second parse of the rewritten page finds the same blocks, now current.
	again, err := Parse("p.md", got)
	require.NoError(t, err)
	for i, b := range again {
		assert.True(t, Matches(b, texts[i]))
	}
}

func TestRunReportsAWrongExitAndATimeout(t *testing.T) {
	b := Block{File: "p.md", Line: 9, Command: "echo oops; exit 4", Timeout: 10e9}
	out, err := Run(t.Context(), t.TempDir(), b)
	require.Error(t, err)
	assert.Equal(t, "oops\n", out)
	assert.Contains(t, err.Error(), "p.md:9")
	assert.Contains(t, err.Error(), "exited with status 4, the page expects 0")

	b = Block{File: "p.md", Line: 9, Command: "sleep 5", Timeout: 100e6}
	_, err = Run(t.Context(), t.TempDir(), b)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "did not finish within 100ms")

	// What a go command killed before its cleanup leaves behind.
	b = Block{File: "p.md", Line: 9, Command: `mkdir "$TMPDIR/go-build1"`, Timeout: 10e9}
	_, err = Run(t.Context(), t.TempDir(), b)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "p.md:9")
	assert.Contains(t, err.Error(), "leaves in TMPDIR: go-build1")
}
