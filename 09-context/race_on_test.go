//go:build race

package main

// raceEnabled: the race detector slows goroutine-heavy tests by ten or more,
// so they use smaller sizes under it.
const raceEnabled = true
