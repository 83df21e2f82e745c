package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// The learner never edits exercises/: that is the pristine copy. The coach
// copies an exercise into workspace/ (git-ignored) the first time it is
// needed, the learner edits it there, and reset copies it afresh.

// workDir is where the learner's copy of ex lives.
func workDir(root string, ex Exercise) string {
	return filepath.Join(root, "workspace", filepath.FromSlash(ex.Name))
}

// started reports whether the learner has a copy of ex.
func started(root string, ex Exercise) bool {
	_, err := os.Stat(workDir(root, ex))
	return err == nil
}

// ensure makes the learner's copy of ex if there is none yet.
func ensure(root string, ex Exercise) (string, error) {
	dir := workDir(root, ex)
	if started(root, ex) {
		return dir, nil
	}
	return dir, copyGoFiles(ex.Dir, dir)
}

// reset replaces the learner's copy of ex with the pristine one.
func reset(root string, ex Exercise) error {
	dir := workDir(root, ex)
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	return copyGoFiles(ex.Dir, dir)
}

// copyGoFiles copies the .go files of from into to, making to.
func copyGoFiles(from, to string) error {
	files, err := goFiles(from)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("%s has no .go files", from)
	}
	if err := os.MkdirAll(to, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		if err := copyFile(f, filepath.Join(to, filepath.Base(f))); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// hashDir fingerprints the .go files in dir, so the coach knows whether the
// learner changed anything since the last check.
func hashDir(dir string) (string, error) {
	files, err := goFiles(dir)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", filepath.Base(f), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
