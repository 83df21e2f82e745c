package executor

// queue holds the waiting tasks in the order they will start: higher
// priority first, then submission order. Most tasks have priority 0, so
// those sit in a ring buffer (a push or a pop is one slot write); only
// tasks with another priority pay for the heap. Not safe for concurrent
// use: the executor guards it with its mutex.
type queue struct {
	fifo ring     // priority 0, in submission order
	heap prioHeap // every other priority
}

type entry struct {
	j        job
	priority int
	seq      uint64
}

func (q *queue) len() int { return q.fifo.n + len(q.heap) }

func (q *queue) push(e entry) {
	if e.priority == 0 {
		q.fifo.push(e.j)
		return
	}
	q.heap.push(e)
}

// pop removes and returns the task that should start next; the queue must
// not be empty.
func (q *queue) pop() entry {
	if len(q.heap) > 0 && (q.fifo.n == 0 || q.heap[0].priority > 0) {
		return q.heap.pop()
	}
	j := q.fifo.pop()
	return entry{j: j, seq: j.id()}
}

// ring is a growable circular buffer of jobs.
type ring struct {
	buf     []job
	head, n int
}

func (r *ring) push(j job) {
	if r.n == len(r.buf) {
		grown := make([]job, max(8, 2*len(r.buf)))
		for i := range r.n {
			grown[i] = r.buf[(r.head+i)%len(r.buf)]
		}
		r.buf, r.head = grown, 0
	}
	r.buf[(r.head+r.n)%len(r.buf)] = j
	r.n++
}

func (r *ring) pop() job {
	j := r.buf[r.head]
	r.buf[r.head] = nil // let the finished job be collected
	r.head = (r.head + 1) % len(r.buf)
	r.n--
	return j
}

// prioHeap is a binary heap: the entry that should start first is at [0].
type prioHeap []entry

func (a entry) before(b entry) bool {
	if a.priority != b.priority {
		return a.priority > b.priority
	}
	return a.seq < b.seq
}

func (h *prioHeap) push(e entry) {
	*h = append(*h, e)
	s := *h
	for i := len(s) - 1; i > 0; {
		parent := (i - 1) / 2
		if !s[i].before(s[parent]) {
			break
		}
		s[i], s[parent] = s[parent], s[i]
		i = parent
	}
}

func (h *prioHeap) pop() entry {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s[last] = entry{}
	s = s[:last]
	*h = s
	for i := 0; ; {
		l, r, first := 2*i+1, 2*i+2, i
		if l < last && s[l].before(s[first]) {
			first = l
		}
		if r < last && s[r].before(s[first]) {
			first = r
		}
		if first == i {
			return top
		}
		s[i], s[first] = s[first], s[i]
		i = first
	}
}
