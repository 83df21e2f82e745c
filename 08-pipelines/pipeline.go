package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"
)

// The rules every stage below keeps:
//
//   - A stage owns its output channel: it makes it, it is the only sender,
//     and it closes it (once, with defer) when it has nothing more to send.
//     Receivers never close a channel; they range over it until it is closed.
//   - Every send is in a select with <-ctx.Done(), so a stage whose
//     downstream has stopped listening returns instead of blocking forever.
//   - Errors travel out of band: the stage returns its error to an
//     errgroup, which cancels ctx for everyone else, and Wait reports the
//     first one.

// vocabulary is what the generated corpus is made of: common English words,
// so the top of the count looks like any real text's.
var vocabulary = strings.Fields(`the of and to a in is it you that he was for on are with as
	his they be at one have this from or had by hot word but what some we can out other were
	all there when up use your how said an each she which do their time if will way about many`)

// corpus makes n lines of 8 to 16 words, the same every run: the words are
// drawn with a Zipf-like skew (early words of the vocabulary more often), as
// in real text.
func corpus(n int) []string {
	r := rand.New(rand.NewPCG(8, 8))
	lines := make([]string, n)
	var b strings.Builder
	for i := range lines {
		b.Reset()
		for j := range 8 + r.IntN(9) {
			if j > 0 {
				b.WriteByte(' ')
			}
			k := int(float64(len(vocabulary)) * r.Float64() * r.Float64()) // skewed to the front
			w := vocabulary[k]
			if j == 0 {
				w = strings.ToUpper(w[:1]) + w[1:]
			}
			b.WriteString(w)
		}
		b.WriteString(".")
		lines[i] = b.String()
	}
	return lines
}

// send sends v on out unless ctx is done first. It is the only way the
// stages below send, so none of them can be left blocked by a consumer that
// has gone.
func send[T any](ctx context.Context, out chan<- T, v T) error {
	select {
	case out <- v:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ErrBadLine is what the splitting stage reports for a line that is not
// valid UTF-8.
var ErrBadLine = errors.New("line is not valid UTF-8")

// readLines is the source stage: it sends each line and closes its output.
func readLines(ctx context.Context, lines []string, out chan<- string) error {
	defer close(out)
	for _, l := range lines {
		if err := send(ctx, out, l); err != nil {
			return err
		}
	}
	return nil
}

// splitWords is the middle stage: lines in, lower-case words out. A line
// that is not UTF-8 is an error: the stage returns it, the errgroup cancels
// ctx, and the other stages stop.
func splitWords(ctx context.Context, in <-chan string, out chan<- string) error {
	defer close(out)
	n := 0
	for line := range in {
		n++
		if !utf8.ValidString(line) {
			return fmt.Errorf("line %d: %w", n, ErrBadLine)
		}
		for _, w := range strings.FieldsFunc(line, func(r rune) bool { return !unicode.IsLetter(r) }) {
			if err := send(ctx, out, strings.ToLower(w)); err != nil {
				return err
			}
		}
	}
	return nil
}

// countWords is the sink: it counts until its input is closed.
func countWords(in <-chan string) map[string]int {
	counts := map[string]int{}
	for w := range in {
		counts[w]++
	}
	return counts
}

// wordCount runs the three stages, connected by channels with buf slots
// each, and returns the counts or the first error. Whatever happens, every
// stage has returned when it returns.
func wordCount(ctx context.Context, lines []string, buf int) (map[string]int, error) {
	g, ctx := errgroup.WithContext(ctx)
	ls, ws := make(chan string, buf), make(chan string, buf)
	g.Go(func() error { return readLines(ctx, lines, ls) })
	g.Go(func() error { return splitWords(ctx, ls, ws) })
	var counts map[string]int
	g.Go(func() error {
		counts = countWords(ws)
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return counts, nil
}

// wordCountLoop is the same count as one plain loop, to check the pipeline
// against.
func wordCountLoop(lines []string) map[string]int {
	counts := map[string]int{}
	for _, line := range lines {
		for _, w := range strings.FieldsFunc(line, func(r rune) bool { return !unicode.IsLetter(r) }) {
			counts[strings.ToLower(w)]++
		}
	}
	return counts
}

// top returns the n most frequent words, most frequent first (ties in
// alphabetical order), as "word=count".
func top(counts map[string]int, n int) []string {
	words := slices.Collect(maps.Keys(counts))
	slices.SortFunc(words, func(a, b string) int {
		if counts[a] != counts[b] {
			return counts[b] - counts[a]
		}
		return strings.Compare(a, b)
	})
	var out []string
	for _, w := range words[:min(n, len(words))] {
		out = append(out, fmt.Sprintf("%s=%d", w, counts[w]))
	}
	return out
}

// firstWords takes words from the pipeline until it has n of them that
// start with prefix, then stops: it cancels the context, and every stage,
// blocked on a send or not, returns. Stopping early needs nothing more.
func firstWords(ctx context.Context, lines []string, prefix string, n int) []string {
	ctx, cancel := context.WithCancel(ctx)
	g, ctx := errgroup.WithContext(ctx)
	ls, ws := make(chan string), make(chan string)
	g.Go(func() error { return readLines(ctx, lines, ls) })
	g.Go(func() error { return splitWords(ctx, ls, ws) })
	var got []string
	for w := range ws {
		if strings.HasPrefix(w, prefix) {
			got = append(got, w)
			if len(got) == n {
				break
			}
		}
	}
	cancel()
	_ = g.Wait() // context.Canceled, from the stages we stopped
	return got
}

// maxLead measures backpressure. A producer sends n values into a channel
// with buf slots, and a consumer that does some work for each value
// receives them. The producer can never get more than buf+1 values ahead
// of what the consumer has finished (buf in the channel, one in the
// consumer's hands): when the buffer is full its send blocks, and the
// consumer's pace becomes the producer's.
func maxLead(n, buf int) int {
	ch := make(chan int, buf)
	var received atomic.Int64
	lead := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		for v := range ch {
			sink.Store(mix(uint64(v))) // some work
			received.Add(1)
		}
	}()
	for i := range n {
		ch <- i
		lead = max(lead, i+1-int(received.Load()))
	}
	close(ch)
	<-done
	return lead
}

// sink keeps the compiler from dropping work whose result nobody uses.
var sink atomic.Uint64

// mix is the work done on each tiny item: a few multiplications and shifts
// (the finaliser of splitmix64), a couple of nanoseconds.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// The batching measurements use two sizes of item: a tiny one, one round of
// mix (about a nanosecond), and a small one, eight rounds (about ten).
// Neither is worth a channel operation of its own.
const tinyRounds, smallRounds = 1, 8

// sumLoop is the item work as a plain loop: no goroutines, no channels.
// Each item i costs rounds rounds of mix.
func sumLoop(n, rounds int) uint64 {
	var s uint64
	for i := range n {
		s += crunch(uint64(i), rounds)
	}
	return s
}

// sumPipeline does the same work in three stages, one item per channel
// operation: generate, mix, sum.
func sumPipeline(n, rounds int) uint64 {
	nums, mixed := make(chan uint64, 64), make(chan uint64, 64)
	go func() {
		defer close(nums)
		for i := range n {
			nums <- uint64(i)
		}
	}()
	go func() {
		defer close(mixed)
		for x := range nums {
			mixed <- crunch(x, rounds)
		}
	}()
	var s uint64
	for x := range mixed {
		s += x
	}
	return s
}

// sumBatched does it in three stages that pass slices of batch items: one
// channel operation per batch, so its cost is spread over batch items. The
// sink hands each emptied slice back on free, and the generator takes its
// slices from there: it makes at most as many as can be in flight (both
// channels full and one in each stage's hands), then waits for one to come
// back. A fixed set of slices, reused, and nothing for the collector.
func sumBatched(n, batch, rounds int) uint64 {
	const inFlight = 4 // slices per channel
	nums, mixed := make(chan []uint64, inFlight), make(chan []uint64, inFlight)
	free := make(chan []uint64, 2*inFlight+3)
	made := 0 // the generator's alone
	get := func() []uint64 {
		select {
		case b := <-free:
			return b
		default:
		}
		if made < cap(free) {
			made++
			return make([]uint64, batch)
		}
		return <-free
	}
	go func() {
		defer close(nums)
		for lo := 0; lo < n; lo += batch {
			b := get()[:min(batch, n-lo)]
			for j := range b {
				b[j] = uint64(lo + j)
			}
			nums <- b
		}
	}()
	go func() {
		defer close(mixed)
		for b := range nums {
			for i, x := range b {
				b[i] = crunch(x, rounds) // in place: this stage owns b until it sends it on
			}
			mixed <- b
		}
	}()
	var s uint64
	for b := range mixed {
		for _, x := range b {
			s += x
		}
		free <- b // never blocks: free has room for every slice made
	}
	return s
}

// sumPasses does sumBatched's work without its goroutines and channels: the
// same three passes over each batch (fill, mix in place, sum), one after
// another in one goroutine, with one slice. It is what the batched pipeline
// would cost if a hand-off were free, so the gap between it and sumBatched is
// the price of the hand-offs, and the gap between it and sumLoop the price
// of writing each item down and reading it back.
func sumPasses(n, batch, rounds int) uint64 {
	buf := make([]uint64, batch)
	var s uint64
	for lo := 0; lo < n; lo += batch {
		b := buf[:min(batch, n-lo)]
		for j := range b {
			b[j] = uint64(lo + j)
		}
		for i, x := range b {
			b[i] = crunch(x, rounds)
		}
		for _, x := range b {
			s += x
		}
	}
	return s
}

func showPipeline(ctx context.Context, w io.Writer) error {
	lines := corpus(cfg.lines)
	before := runtime.NumGoroutine()
	counts, err := wordCount(ctx, lines, 16)
	if err != nil {
		return err
	}
	loop := wordCountLoop(lines)
	fmt.Fprintf(w, "word count over %d generated lines, 3 stages (lines -> words -> counts): %d distinct words, same as a plain loop: %t\n",
		len(lines), len(counts), maps.Equal(counts, loop))
	fmt.Fprintf(w, "  top 5: %s\n", strings.Join(top(counts, 5), " "))

	bad := slices.Clone(lines)
	bad[len(bad)/2] = "Caf\xe9 au lait." // Latin-1, not UTF-8
	_, err = wordCount(ctx, bad, 16)
	fmt.Fprintf(w, "errors: a bad line in the middle: %v; goroutines %d before, %d after\n", err, before, goroutinesSettle(before))

	got := firstWords(ctx, lines, "wh", 3)
	fmt.Fprintf(w, "stopping early: the first 3 words starting with \"wh\": %v; goroutines %d after\n", got, goroutinesSettle(before))

	for _, buf := range []int{0, 16, 256} {
		fmt.Fprintf(w, "backpressure: buffer %3d, the producer got at most %d values ahead of the consumer (bound %d)\n", buf, maxLead(10_000, buf), buf+1)
	}

	n := cfg.items
	runs := []struct {
		name string
		sum  func(rounds int) uint64
	}{
		{"plain loop", func(r int) uint64 { return sumLoop(n, r) }},
		{"3 stages, 1 item per send", func(r int) uint64 { return sumPipeline(n, r) }},
		{"3 stages, batches of 64", func(r int) uint64 { return sumBatched(n, 64, r) }},
		{"3 stages, batches of 256", func(r int) uint64 { return sumBatched(n, 256, r) }},
	}
	fmt.Fprintf(w, "batching, %d items (mix and sum), cost per item:\n", n)
	fmt.Fprintf(w, "  %-26s %19s %19s\n", "", fmt.Sprintf("tiny (%d mix)", tinyRounds), fmt.Sprintf("small (%d mixes)", smallRounds))
	per := make([][2]float64, len(runs))
	for k, rounds := range []int{tinyRounds, smallRounds} {
		want := sumLoop(n, rounds)
		for i, r := range runs {
			start := time.Now()
			if got := r.sum(rounds); got != want {
				return fmt.Errorf("%s: sum %d, want %d", r.name, got, want)
			}
			per[i][k] = nsPer(time.Since(start), n)
		}
	}
	for i, r := range runs {
		fmt.Fprintf(w, "  %-26s", r.name)
		for k := range 2 {
			fmt.Fprintf(w, " %7.1f ns %6.1fx", per[i][k], per[i][k]/max(per[0][k], 0.01))
		}
		fmt.Fprintln(w)
	}
	return ctx.Err()
}

// nsPer is d divided over n items, in nanoseconds.
func nsPer(d time.Duration, n int) float64 { return float64(d.Nanoseconds()) / float64(n) }
