//go:build coach

// Exercise 08.4: a broadcaster that drops for slow subscribers (a solution).
package drop

// A Sub is one subscriber: it reads C; Dropped counts what it missed.
type Sub struct {
	C       <-chan int
	c       chan int
	Dropped int // written by Publish; read it after Close
}

// A Broadcaster sends each published value to every subscriber. Subscribe,
// Publish and Close are called from one goroutine, the publisher's.
type Broadcaster struct {
	subs []*Sub
}

// Subscribe adds a subscriber with room for buf (≥ 1) values it has not
// read yet.
func (b *Broadcaster) Subscribe(buf int) *Sub {
	c := make(chan int, buf)
	s := &Sub{C: c, c: c}
	b.subs = append(b.subs, s)
	return s
}

// Publish gives v to every subscriber that has room for it, in the order
// values are published, and counts a drop for every one that has not. It
// never waits.
func (b *Broadcaster) Publish(v int) {
	for _, s := range b.subs {
		select {
		case s.c <- v:
		default: // its buffer is full: it misses this one
			s.Dropped++
		}
	}
}

// Close closes every subscriber's channel.
func (b *Broadcaster) Close() {
	for _, s := range b.subs {
		close(s.c)
	}
}
