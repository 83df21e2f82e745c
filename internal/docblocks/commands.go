package docblocks

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// A Command is a shell command a page shows for the reader to type: a line
// of a fenced shell block, or an inline code span of the prose that holds a
// whole go command.
type Command struct {
	File string // the page, as given to Commands
	Line int    // 1-based line where the command starts
	Text string // the command, continuation lines joined as the shell would
}

// Where reports the command's place as file:line.
func (c Command) Where() string { return fmt.Sprintf("%s:%d", c.File, c.Line) }

// shellLangs are the info strings of fenced blocks whose every line is a
// command (a "$ " prompt is dropped). In a console block only the lines with
// the prompt are commands, the rest is output; in a text block the same,
// unless the block is a marked output block, which holds no commands at all.
var shellLangs = map[string]bool{"": true, "sh": true, "bash": true, "shell": true, "zsh": true}

var (
	fenceRE   = regexp.MustCompile("^ *(`{3,}|~{3,})\\s*([A-Za-z0-9_+-]*)")
	inlineRE  = regexp.MustCompile("`([^`]+)`")
	envWordRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)
)

// Commands finds the commands in a page: every line of its sh, bash, shell
// and unlabelled fenced blocks, the "$ " lines of its console and text
// blocks (but not of marked output blocks, which hold what a program
// printed), and the inline code spans of its prose that run go on a path
// (`go run ./01-threads -h`; not `go vet ./...`). A line ending in a backslash continues on the
// next. Comment lines and blank lines are not commands.
func Commands(file, text string) ([]Command, error) {
	blocks, err := Parse(file, text)
	if err != nil {
		return nil, err
	}
	output := map[int]bool{} // 0-based lines that open a marked output block
	for _, b := range blocks {
		output[b.from-1] = true
	}
	lines := strings.Split(text, "\n")
	var cmds []Command
	add := func(line int, cmd string) {
		if cmd = strings.TrimSpace(cmd); cmd != "" && !strings.HasPrefix(cmd, "#") {
			cmds = append(cmds, Command{File: file, Line: line, Text: cmd})
		}
	}
	inComment := false // inside an HTML comment of the prose
	for i := 0; i < len(lines); i++ {
		m := fenceRE.FindStringSubmatch(lines[i])
		if m == nil {
			// Prose: inline code spans outside HTML comments.
			l := lines[i]
			if inComment {
				_, after, ok := strings.Cut(l, "-->")
				if !ok {
					continue
				}
				l, inComment = after, false
			}
			for {
				before, after, ok := strings.Cut(l, "<!--")
				if !ok {
					break
				}
				rest, closed := "", false
				if _, rest, closed = strings.Cut(after, "-->"); !closed {
					l, inComment = before, true
					break
				}
				l = before + rest
			}
			for _, s := range inlineRE.FindAllStringSubmatch(l, -1) {
				if runsGoOnAPath(s[1]) {
					add(i+1, s[1])
				}
			}
			continue
		}
		fence, lang := m[1], strings.ToLower(m[2])
		isOutput := output[i]
		// The block ends at a line of at least as many of the same fence
		// characters and nothing else.
		j := i + 1
		for ; j < len(lines); j++ {
			l := strings.TrimSpace(lines[j])
			if strings.HasPrefix(l, fence) && strings.Trim(l, fence[:1]) == "" {
				break
			}
		}
		body := lines[i+1 : min(j, len(lines))]
		switch {
		case isOutput:
		case shellLangs[lang]:
			for k := 0; k < len(body); k++ {
				start := k
				l := strings.TrimSpace(body[k])
				for strings.HasSuffix(l, `\`) && k+1 < len(body) {
					k++
					l = strings.TrimSuffix(l, `\`) + strings.TrimSpace(body[k])
				}
				if p, ok := strings.CutPrefix(l, "$ "); ok {
					l = p
				}
				add(i+2+start, l)
			}
		case lang == "console" || lang == "text" || lang == "shell-session":
			for k := 0; k < len(body); k++ {
				start := k
				l, ok := strings.CutPrefix(strings.TrimSpace(body[k]), "$ ")
				if !ok {
					continue
				}
				for strings.HasSuffix(l, `\`) && k+1 < len(body) {
					k++
					l = strings.TrimSuffix(l, `\`) + strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(body[k]), "> "))
				}
				add(i+2+start, l)
			}
		}
		i = j
	}
	return cmds, nil
}

// runsGoOnAPath reports whether an inline code span is a whole go command
// rather than a mention: it runs go on a path of the module such as
// ./01-threads or ./04-race/racy. "./..." alone does not count: the prose
// says `go vet ./...` to name what make lint runs over the whole module.
func runsGoOnAPath(span string) bool {
	for _, words := range SimpleCommands(span) {
		if len(words) > 2 && words[0] == "go" && slices.ContainsFunc(words[2:], func(w string) bool {
			return strings.HasPrefix(w, "./") && w != "./..."
		}) {
			return true
		}
	}
	return false
}

// Checked reports whether the page check of commands runs cmd: it calls go
// build, go vet, go list or go doc, or go run with -h, -help or --help
// (the lesson framework prints its usage and exits 0).
func Checked(cmd string) bool {
	for _, words := range SimpleCommands(cmd) {
		if len(words) < 2 || words[0] != "go" {
			continue
		}
		switch words[1] {
		case "build", "vet", "list", "doc":
			return true
		case "run":
			if slices.ContainsFunc(words[2:], func(w string) bool {
				return w == "-h" || w == "-help" || w == "--help"
			}) {
				return true
			}
		}
	}
	return false
}

// SimpleCommands splits a shell command line into its simple commands (at
// ;, &, &&, ||, | and newlines outside quotes) and each into words, with the
// leading VAR=value assignments dropped. Quotes are removed from words; a $(...)
// substitution stays inside the word it is in. It is not a shell, only
// enough of one to see which programs a line of a page runs.
func SimpleCommands(line string) [][]string {
	var (
		cmds  [][]string
		words []string
		word  strings.Builder
		inW   bool // a word has started (it may be empty: '')
		quote byte // ' or " while inside quotes
		depth int  // of $( ... )
	)
	endWord := func() {
		if inW {
			words = append(words, word.String())
		}
		word.Reset()
		inW = false
	}
	endCmd := func() {
		endWord()
		for len(words) > 0 && envWordRE.MatchString(words[0]) {
			words = words[1:]
		}
		if len(words) > 0 {
			cmds = append(cmds, words)
		}
		words = nil
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				word.WriteByte(c)
			}
		case depth > 0:
			word.WriteByte(c)
			switch c {
			case '(':
				depth++
			case ')':
				depth--
			}
		case c == '\'' || c == '"':
			quote, inW = c, true
		case c == '\\' && i+1 < len(line):
			i++
			word.WriteByte(line[i])
			inW = true
		case c == '$' && i+1 < len(line) && line[i+1] == '(':
			word.WriteString("$(")
			i++
			depth, inW = 1, true
		case c == ' ' || c == '\t':
			endWord()
		case c == '&' && (i > 0 && (line[i-1] == '>' || line[i-1] == '<') || i+1 < len(line) && line[i+1] == '>'):
			word.WriteByte(c) // a redirection: 2>&1, &>file
			inW = true
		case c == '#' && !inW:
			i = len(line) // a comment, to the end of the line
		case c == ';' || c == '&' || c == '|' || c == '\n':
			endCmd()
			if i+1 < len(line) && (c == '&' || c == '|') && line[i+1] == c {
				i++
			}
		default:
			word.WriteByte(c)
			inW = true
		}
	}
	endCmd()
	return cmds
}
