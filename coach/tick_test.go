package main

import "time"

// waitTick paces TestPollChangeNoticesAnEdit's writes to the poller's own
// period. It waits for a file system poller, not for a goroutine: the
// goroutine's answer arrives on a channel.
func waitTick() <-chan time.Time { return time.After(100 * time.Millisecond) }
