package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// An Exercise is one directory under exercises/: the files a learner starts
// from, a test that fails until the exercise is solved, a hint, and a
// solution in solution/.
type Exercise struct {
	Name      string   // chapter/dir, such as "01-threads/1-join"
	ID        string   // chapter number and step, such as "01.1"
	Dir       string   // the pristine copy, as shipped
	Title     string   `json:"title"`
	Concept   string   `json:"concept"`
	FailsWith []string `json:"fails_with"` // as shipped, the test output contains one of these
}

// Load reads every exercise under root/exercises, in teaching order: by
// chapter, then by step.
func Load(root string) ([]Exercise, error) {
	metas, err := filepath.Glob(filepath.Join(root, "exercises", "*", "*", "exercise.json"))
	if err != nil {
		return nil, err
	}
	var exs []Exercise
	for _, m := range metas {
		data, err := os.ReadFile(m)
		if err != nil {
			return nil, err
		}
		var ex Exercise
		if err := json.Unmarshal(data, &ex); err != nil {
			return nil, fmt.Errorf("%s: %v", m, err)
		}
		ex.Dir = filepath.Dir(m)
		step := filepath.Base(ex.Dir)
		chapter := filepath.Base(filepath.Dir(ex.Dir))
		ex.Name = chapter + "/" + step
		num, _, _ := strings.Cut(step, "-")
		chNum, _, _ := strings.Cut(chapter, "-")
		ex.ID = chNum + "." + num
		if ex.Title == "" || len(ex.FailsWith) == 0 {
			return nil, fmt.Errorf("%s: needs a title and at least one fails_with", m)
		}
		exs = append(exs, ex)
	}
	slices.SortFunc(exs, func(a, b Exercise) int { return strings.Compare(a.sortKey(), b.sortKey()) })
	return exs, nil
}

// sortKey orders steps numerically within a chapter (2 before 10).
func (e Exercise) sortKey() string {
	ch, step, _ := strings.Cut(e.ID, ".")
	return fmt.Sprintf("%s.%04s", ch, step)
}

// Find looks an exercise up by ID ("01.2"), full name ("01-threads/2-leak")
// or step directory ("2-leak") when that is unique.
func Find(exs []Exercise, name string) (Exercise, error) {
	var found []Exercise
	for _, e := range exs {
		if e.ID == name || e.Name == name || filepath.Base(e.Name) == name {
			found = append(found, e)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return Exercise{}, fmt.Errorf("no exercise named %q; run `go run ./coach list` to see them", name)
	default:
		return Exercise{}, fmt.Errorf("%q names %d exercises; use the ID, such as %s", name, len(found), found[0].ID)
	}
}

// Hint is the exercise's hint.md.
func (e Exercise) Hint() (string, error) {
	b, err := os.ReadFile(filepath.Join(e.Dir, "hint.md"))
	return string(b), err
}

// goFiles lists the .go files directly in dir that the go command would
// build: not editors' lock and backup files (.#exercise.go, #exercise.go#)
// nor any name the go command ignores (starting with . or _).
func goFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	var files []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") ||
			strings.HasPrefix(name, "#") || !e.Type().IsRegular() {
			continue
		}
		files = append(files, filepath.Join(dir, name))
	}
	slices.Sort(files)
	return files, nil
}
