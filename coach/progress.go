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
	// changed holds what this process set (an Entry) or removed (nil)
	// since it loaded the file: save applies only that to the file as it
	// is then, so two coaches at once (watch in one terminal, check in
	// another) do not undo each other's records.
	changed map[string]*Entry
}

// set records e for the exercise called name.
func (p *Progress) set(name string, e Entry) {
	p.Exercises[name] = e
	if p.changed == nil {
		p.changed = map[string]*Entry{}
	}
	p.changed[name] = &e
}

// remove forgets the exercise called name.
func (p *Progress) remove(name string) {
	delete(p.Exercises, name)
	if p.changed == nil {
		p.changed = map[string]*Entry{}
	}
	p.changed[name] = nil
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

// save applies this process's changes to the file as it is now, under a
// lock (a .lock file beside it, flock'd), and writes the file whole through
// a temporary file and a rename, so a reader never sees half a file and an
// interrupted save leaves the old one.
func (p *Progress) save() error {
	unlock, err := lockFile(p.path + ".lock")
	if err != nil {
		return err
	}
	defer unlock()
	now, err := loadProgress(filepath.Dir(p.path))
	if err != nil {
		now = &Progress{path: p.path, Exercises: map[string]Entry{}} // damaged: ours replaces it
	}
	for name, e := range p.changed {
		if e == nil {
			delete(now.Exercises, name)
		} else {
			now.Exercises[name] = *e
		}
	}
	p.Exercises, p.changed = now.Exercises, nil
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p.path), progressFile+".*.tmp")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), p.path)
}
