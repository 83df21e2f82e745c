//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The tutorial's example: the parent makes an array, one child computes
// the squares and another the cubes, each into shared memory, each shows its
// work in its own window and reports its sum, and the parent adds the sums.
// Python passes multiprocessing.Array and Value to the children; here they
// are slices of one shared Region, laid out like this (n = len(input)):
//
//	offset 0      input   n int64   written by the parent
//	offset 8n     squares n int64   written by the squares child
//	offset 16n    cubes   n int64   written by the cubes child
//	offset 24n    square sum         a shared Value
//	offset 24n+8  cube sum           a shared Value
//
// Every offset is a multiple of 8, so every int64 is aligned.

type seedLayout struct{ n int }

func (l seedLayout) size() int         { return 8 * (3*l.n + 2) }
func (l seedLayout) input() int        { return 0 }
func (l seedLayout) out(power int) int { return 8 * l.n * (power - 1) }
func (l seedLayout) sum(power int) int { return 8*3*l.n + 8*(power-2) }
func (l seedLayout) label(power int) string {
	if power == 2 {
		return "squares"
	}
	return "cubes"
}

// A pane is what one child printed on its stdout pipe, to be drawn in a box.
type pane struct {
	label string
	pid   int
	lines []string
}

// seedResult is what the parent learned.
type seedResult struct {
	input    []int64
	panes    [2]pane
	sums     [2]int64 // read from the shared Values
	reported [2]int64 // the "sum = N" line each child wrote to its pipe
}

func (r seedResult) total() int64 { return r.sums[0] + r.sums[1] }

// runSeed runs the example on input.
func runSeed(ctx context.Context, input []int64) (seedResult, error) {
	l := seedLayout{n: len(input)}
	reg, err := newRegion(l.size())
	if err != nil {
		return seedResult{}, err
	}
	defer reg.Close()
	copy(reg.Int64s(l.input(), l.n), input)

	res := seedResult{input: input}
	var outs [2]bytes.Buffer
	var kids [2]*child
	for i, power := range []int{2, 3} {
		cmd := command(ctx, "seed-worker", strconv.Itoa(power), strconv.Itoa(l.n))
		cmd.ExtraFiles = []*os.File{reg.File()} // the child's fd 3
		// A bytes.Buffer is not a file, so exec makes a pipe and copies
		// from it on a goroutine of its own; Wait waits for that copy.
		cmd.Stdout = &outs[i]
		cmd.Stderr = &outs[i]
		kids[i], err = start(cmd)
		if err != nil {
			if i == 1 {
				kids[0].Wait()
			}
			return res, err
		}
	}
	for i, power := range []int{2, 3} {
		err := kids[i].Wait()
		res.panes[i] = pane{label: l.label(power), pid: kids[i].Pid(), lines: lines(outs[i].String())}
		if err != nil {
			return res, fmt.Errorf("%s child: %v: %s", l.label(power), err, outs[i].String())
		}
		res.sums[i] = *reg.Int64(l.sum(power))
		last := res.panes[i].lines[len(res.panes[i].lines)-1]
		res.reported[i], _ = strconv.ParseInt(strings.TrimPrefix(last, "sum = "), 10, 64)
		// The children wrote the results into shared memory: check them.
		for j, x := range reg.Int64s(l.out(power), l.n) {
			if want := pow(input[j], power); x != want {
				return res, fmt.Errorf("%s[%d] = %d in shared memory, want %d", l.label(power), j, x, want)
			}
		}
	}
	return res, nil
}

func pow(x int64, p int) int64 {
	r := int64(1)
	for range p {
		r *= x
	}
	return r
}

func lines(s string) []string { return strings.Split(strings.TrimRight(s, "\n"), "\n") }

// seedWorker is the child: map the region from fd 3, raise every input to
// the power given in args[0], print each result, store the sum in the shared
// Value and print it last.
func seedWorker(args []string) int {
	if len(args) != 2 {
		fmt.Println("seed-worker: want POWER N")
		return 2
	}
	power, _ := strconv.Atoi(args[0])
	n, _ := strconv.Atoi(args[1])
	l := seedLayout{n: n}
	reg, err := openRegion(3)
	if err != nil {
		fmt.Println("seed-worker:", err)
		return 1
	}
	defer reg.Close()
	in, out := reg.Int64s(l.input(), n), reg.Int64s(l.out(power), n)
	sup := map[int]string{2: "²", 3: "³"}[power]
	w := bufio.NewWriter(os.Stdout)
	var sum int64
	for i, x := range in {
		out[i] = pow(x, power)
		sum += out[i]
		fmt.Fprintf(w, "%d%s = %d\n", x, sup, out[i])
	}
	*reg.Int64(l.sum(power)) = sum
	fmt.Fprintf(w, "sum = %d\n", sum)
	w.Flush()
	return 0
}

func init() { register("seed-worker", seedWorker) }

// drawPanes draws the panes side by side, each in a box whose title names the
// child and its PID, like the tutorial's one window per process.
func drawPanes(w io.Writer, panes []pane) {
	const inner = 26 // characters inside a box
	rows := 0
	for _, p := range panes {
		rows = max(rows, len(p.lines))
	}
	var b strings.Builder
	row := func(cells []string) {
		b.WriteString(strings.TrimRight(strings.Join(cells, " "), " "))
		b.WriteByte('\n')
	}
	pad := func(s string, n int, fill string) string {
		if k := n - utf8.RuneCountInString(s); k > 0 {
			return s + strings.Repeat(fill, k)
		}
		return s
	}
	var cells []string
	for _, p := range panes {
		cells = append(cells, "┌"+pad(fmt.Sprintf("─ %s · pid %d ", p.label, p.pid), inner, "─")+"┐")
	}
	row(cells)
	for i := range rows {
		cells = cells[:0]
		for _, p := range panes {
			s := ""
			if i < len(p.lines) {
				s = p.lines[i]
			}
			cells = append(cells, "│ "+pad(s, inner-1, " ")+"│")
		}
		row(cells)
	}
	cells = cells[:0]
	for range panes {
		cells = append(cells, "└"+strings.Repeat("─", inner)+"┘")
	}
	row(cells)
	io.WriteString(w, b.String())
}

// printSeed prints the example's result.
func printSeed(w io.Writer, r seedResult) {
	fmt.Fprintf(w, "parent: input %v in shared memory (%s), two children\n", r.input, shmBackend)
	drawPanes(w, r.panes[:])
	for i, p := range r.panes {
		fmt.Fprintf(w, "%-8s sum %5d  (shared Value; the child's pipe said %d)\n", p.label, r.sums[i], r.reported[i])
	}
	fmt.Fprintf(w, "total        %5d\n", r.total())
}
