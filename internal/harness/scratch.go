package harness

import (
	"os"
	"strings"
)

// A Scratch is a TMPDIR of its own for one command run from a page, so that
// what the command leaves behind can be seen. A go command that dies before
// it cleans up (killed, or by SIGPIPE when its output is piped into head)
// leaves its work directory in TMPDIR, and a reader running the same command
// would collect one in /tmp each time.
type Scratch struct{ dir string }

// NewScratch makes the directory.
func NewScratch() (*Scratch, error) {
	dir, err := os.MkdirTemp("", "pagecmd")
	if err != nil {
		return nil, err
	}
	return &Scratch{dir: dir}, nil
}

// Env is the setting to add to the command's environment.
func (s *Scratch) Env() string { return "TMPDIR=" + s.dir }

// Close removes the directory and says what the command left in it, as one
// problem ("leaves in TMPDIR: go-build123"), or "" if it left nothing.
func (s *Scratch) Close() (string, error) {
	entries, err := os.ReadDir(s.dir)
	if rerr := os.RemoveAll(s.dir); err == nil {
		err = rerr
	}
	if err != nil || len(entries) == 0 {
		return "", err
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return "leaves in TMPDIR: " + strings.Join(names, ", "), nil
}
