//go:build unix && !linux

package main

// adoptOrphans does nothing here: only Linux has subreapers. Orphans go to
// PID 1 (launchd on macOS), which reaps them.
func adoptOrphans(bool) error { return nil }

// reapOrphan does nothing: orphans were never ours.
func reapOrphan(int) {}
