package timeline

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Style chooses how bars are drawn.
type Style int

const (
	// Auto draws in colour when the writer is a terminal and NO_COLOR is not
	// set, and in plain ASCII otherwise.
	Auto Style = iota
	// ASCII draws bars as [label====] with no escape codes.
	ASCII
	// Color draws bars as coloured blocks with the label inside.
	Color
)

// Options tune Render. The zero value draws 60 columns in the Auto style.
type Options struct {
	Width int   // columns for the time axis; 0 means 60
	Style Style // Auto, ASCII or Color
	// Total fixes the right edge of the time axis, so several drawings can
	// share one scale. Spans that end later still stretch it.
	Total time.Duration
	// Lanes fixes the order of the rows. Lanes not listed follow in order of
	// their first span. Nil means order of first span.
	Lanes []string
}

// Render draws spans as swimlanes. For the same spans and options it always
// writes the same text.
func Render(w io.Writer, spans []Span, o Options) error {
	width := o.Width
	if width <= 0 {
		width = 60
	}
	color := o.Style == Color || (o.Style == Auto && isTerminal(w) && os.Getenv("NO_COLOR") == "")

	spans = slices.Clone(spans)
	slices.SortStableFunc(spans, func(a, b Span) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), strings.Compare(a.Lane, b.Lane))
	})
	lanes := slices.Clone(o.Lanes)
	total := o.Total
	for _, s := range spans {
		if !slices.Contains(lanes, s.Lane) {
			lanes = append(lanes, s.Lane)
		}
		total = max(total, s.End)
	}
	if len(spans) == 0 {
		_, err := fmt.Fprintln(w, "(no spans recorded)")
		return err
	}
	if total <= 0 {
		total = 1
	}
	nameWidth := 0
	for _, l := range lanes {
		nameWidth = max(nameWidth, utf8.RuneCountInString(l))
	}

	var b strings.Builder
	// The time axis: 0 at the left edge, the total at the right.
	end := fmtDuration(total)
	fmt.Fprintf(&b, "%*s  0%s%s\n", nameWidth, "", strings.Repeat(" ", max(1, width-1-utf8.RuneCountInString(end))), end)
	for _, lane := range lanes {
		row := make([]cell, width)
		for i := range row {
			row[i] = cell{r: ' '}
		}
		for _, s := range spans {
			if s.Lane == lane {
				drawBar(row, s, total, width)
			}
		}
		fmt.Fprintf(&b, "%-*s |", nameWidth, lane)
		writeRow(&b, row, color)
		b.WriteString("|\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cell is one column of a row: a rune, and the span it belongs to (for colour).
type cell struct {
	r     rune
	label string // "" for empty space
}

// drawBar paints s into row. Every span is at least one column wide, so even
// a very short piece of work is visible.
func drawBar(row []cell, s Span, total time.Duration, width int) {
	// Round both ends to the nearest column, so a span that starts where
	// another ends starts in the column after it, not on top of its ']'.
	from := int((int64(s.Start)*int64(width) + int64(total)/2) / int64(total))
	to := int((int64(s.End)*int64(width) + int64(total)/2) / int64(total))
	// A span that began before the drawing's start (another goroutine can
	// read the clock just before the recorder fixes its origin) is drawn
	// from the first column.
	from = max(min(from, width-1), 0)
	to = max(to, from+1)
	to = min(to, width)
	n := to - from
	text := []rune(s.Label)
	for i := range n {
		var r rune
		switch {
		case n >= 2 && i == 0:
			r = '['
		case n >= 2 && i == n-1:
			r = ']'
		case n == 1:
			r = '|'
		default:
			r = '='
			if j := i - 1; j < len(text) && j < n-2 {
				r = text[j]
			}
		}
		row[from+i] = cell{r: r, label: s.Label}
	}
}

// palette holds ANSI background colours; a label always gets the same one.
var palette = []string{"44", "42", "45", "46", "43", "41", "104", "102", "105", "106"}

func writeRow(b *strings.Builder, row []cell, color bool) {
	if !color {
		for _, c := range row {
			b.WriteRune(c.r)
		}
		return
	}
	cur := ""
	for _, c := range row {
		if c.label != cur {
			if cur != "" {
				b.WriteString("\x1b[0m")
			}
			if c.label != "" {
				h := fnv.New32a()
				h.Write([]byte(c.label))
				fmt.Fprintf(b, "\x1b[30;%sm", palette[h.Sum32()%uint32(len(palette))])
			}
			cur = c.label
		}
		r := c.r
		if c.label != "" && (r == '[' || r == ']' || r == '=' || r == '|') {
			r = ' '
		}
		b.WriteRune(r)
	}
	if cur != "" {
		b.WriteString("\x1b[0m")
	}
}

// fmtDuration prints a duration with three significant digits, the way a
// person reads a time axis.
func fmtDuration(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.3gs", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.3gms", float64(d)/float64(time.Millisecond))
	case d >= time.Microsecond:
		return fmt.Sprintf("%.3gµs", float64(d)/float64(time.Microsecond))
	default:
		return fmt.Sprintf("%dns", int64(d))
	}
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
