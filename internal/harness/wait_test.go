package harness

import "time"

// pollPause spaces out polls of another process's state. The other party is
// an OS process, not a goroutine, so there is nothing to synchronise on; the
// pause only keeps the poll loop from spinning a core.
func pollPause() { time.Sleep(10 * time.Millisecond) }
