package memory

// cand is a slot with its similarity to the query.
type cand struct {
	score float32
	id    uint32
}

// better orders candidates: higher score, then lower slot (deterministic).
func better(a, b cand) bool {
	return a.score > b.score || (a.score == b.score && a.id < b.id)
}

// maxHeap pops the best candidate first (the frontier of a graph search).
type maxHeap []cand

func (h *maxHeap) push(c cand) {
	*h = append(*h, c)
	s := *h
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !better(s[i], s[p]) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *maxHeap) pop() cand {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s = s[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		if r := l + 1; r < n && better(s[r], s[l]) {
			l = r
		}
		if !better(s[l], s[i]) {
			break
		}
		s[i], s[l] = s[l], s[i]
		i = l
	}
	*h = s
	return top
}

// minHeap keeps the best n candidates with the worst on top (the result set).
type minHeap []cand

func (h *minHeap) push(c cand) {
	*h = append(*h, c)
	s := *h
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !better(s[p], s[i]) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *minHeap) pop() cand {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s = s[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		if r := l + 1; r < n && better(s[l], s[r]) {
			l = r
		}
		if !better(s[i], s[l]) {
			break
		}
		s[i], s[l] = s[l], s[i]
		i = l
	}
	*h = s
	return top
}

// offer adds c if the heap holds fewer than n or c beats the worst.
func (h *minHeap) offer(c cand, n int) {
	if len(*h) < n {
		h.push(c)
		return
	}
	if better(c, (*h)[0]) {
		h.pop()
		h.push(c)
	}
}
