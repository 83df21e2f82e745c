package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// progressFile is where the coach remembers what passed, at the module
// root; .gitignore keeps it out of commits.
const progressFile = ".coach-progress.json"

// Entry is what the coach last saw of one exercise.
type Entry struct {
	Hash       string `json:"hash"`        // of the learner's files when last checked
	Passed     bool   `json:"passed"`      // did they pass then
	EverPassed bool   `json:"ever_passed"` // unlocks the solution for good
}

// Progress is the progress file's content.
type Progress struct {
	path      string
	Exercises map[string]Entry `json:"exercises"`
}

func loadProgress(root string) (*Progress, error) {
	p := &Progress{path: filepath.Join(root, progressFile), Exercises: map[string]Entry{}}
	data, err := os.ReadFile(p.path)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, p); err != nil {
		return nil, fmt.Errorf("the progress file %s is damaged (%v); delete it to start the record afresh", progressFile, err)
	}
	if p.Exercises == nil {
		p.Exercises = map[string]Entry{}
	}
	return p, nil
}

// save writes the file whole, through a temporary file and a rename, so an
// interrupted save never leaves half a file behind.
func (p *Progress) save() error {
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	tmp := p.path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, p.path)
}
