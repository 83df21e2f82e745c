package main

import (
	"bufio"
	"context"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gocourse/concurrency/internal/harness"
)

// childTimeout bounds every broken child: a child that hangs is killed with
// its process group and reported, never waited on forever.
const childTimeout = 20 * time.Second

// runChild builds pkg (with or without the race detector) and runs it with
// args, through the course harness.
func runChild(ctx context.Context, pkg string, race bool, args ...string) (harness.Result, error) {
	res, err := harness.Run(ctx, pkg, harness.Options{Race: race, Args: args, Timeout: childTimeout})
	if err == nil {
		err = ctx.Err() // Ctrl-C killed the child: nothing to report
	}
	return res, err
}

// A raceAccess is one side of a data race the detector reported.
type raceAccess struct {
	op       string // "read" or "write"
	previous bool   // the earlier of the two accesses
	where    string // file:line of the innermost frame, relative to the module root
}

// A raceReport is one "WARNING: DATA RACE" block: the access that found the
// race and the earlier access it conflicts with.
type raceReport struct {
	accesses []raceAccess
}

var (
	accessLine = regexp.MustCompile(`^(Previous )?(?i:(read|write)) at 0x[0-9a-f]+ by (goroutine \d+|main goroutine):$`)
	frameLine  = regexp.MustCompile(`^\s+(\S+\.go:\d+)`)
)

// parseRaces reads the race detector's reports out of a child's stderr.
// Paths under root are made relative to it, as a learner would write them.
func parseRaces(stderr, root string) []raceReport {
	var (
		reports []raceReport
		cur     *raceReport
		want    *raceAccess // an access still looking for its first frame
	)
	sc := bufio.NewScanner(strings.NewReader(stderr))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "WARNING: DATA RACE":
			reports = append(reports, raceReport{})
			cur, want = &reports[len(reports)-1], nil
		case cur == nil:
		case accessLine.MatchString(line):
			m := accessLine.FindStringSubmatch(line)
			cur.accesses = append(cur.accesses, raceAccess{op: strings.ToLower(m[2]), previous: m[1] != ""})
			want = &cur.accesses[len(cur.accesses)-1]
		case want != nil && frameLine.MatchString(line):
			where := frameLine.FindStringSubmatch(line)[1]
			if root != "" {
				where = strings.TrimPrefix(where, root+string(filepath.Separator))
			}
			want.where, want = where, nil
		case strings.HasPrefix(line, "=================="):
			cur, want = nil, nil
		}
	}
	return reports
}

// firstFrameIn returns the first file:line in a crash's traceback that lies
// in dir (relative to root), or "" if there is none.
func firstFrameIn(stderr, root, dir string) string {
	for line := range strings.Lines(stderr) {
		m := frameLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		where := strings.TrimPrefix(m[1], root+string(filepath.Separator))
		if strings.HasPrefix(where, dir+"/") {
			return where
		}
	}
	return ""
}

var lostLine = regexp.MustCompile(`(?m)^counter = \d+, want \d+ \((-?\d+) updates lost\)$`)

// lostUpdates reads how many updates racy/main.go lost from what it printed.
func lostUpdates(stdout string) (int, bool) {
	m := lostLine.FindStringSubmatch(stdout)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil
}

// firstLine is s up to its first newline.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
