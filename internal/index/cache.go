package index

import (
	"container/list"
	"sync"
	"sync/atomic"
)

// The cache keeps decoded document lists, frequencies and occurrence
// offsets of recently used terms, and recently read store blocks
// decompressed, shared by every query of every open segment, within a byte
// budget (least recently used out first). Common CJK characters stand in
// most Chinese phrases; decoding their lists again for each query would
// dominate a hot trend, and decompressing a block per listed document a
// search. Cached slices are read-only.
var postingCache = lruCache{m: map[cacheKey]*list.Element{}, max: 256 << 20}

type lruCache struct {
	sync.Mutex
	m     map[cacheKey]*list.Element
	lru   list.List
	bytes int64
	max   int64
}

// cacheMinDF is the smallest list worth caching: shorter ones decode in
// about the time a lookup takes.
const cacheMinDF = 256

type cacheKey struct {
	seg  *Segment
	term int
}

// cacheEntry is a decoded posting list (key.term >= 0) or a decompressed
// store block (key.term = -1 - block).
type cacheEntry struct {
	key              cacheKey
	docs, freqs, cum []uint32
	block            []byte
	// pos holds every position of the list, absolute, once decoded (see
	// Postings.AllPositions); its size is not counted in the budget until
	// then, and is then added by the decoder.
	pos atomic.Pointer[[]uint32]
}

func (e *cacheEntry) size() int64 {
	n := int64(len(e.docs)+len(e.freqs)+len(e.cum))*4 + int64(len(e.block)) + 96
	if p := e.pos.Load(); p != nil {
		n += int64(len(*p)) * 4
	}
	return n
}

// grow accounts for an entry that grew by n bytes after it was cached.
func cacheGrow(e *cacheEntry, n int64) {
	c := &postingCache
	c.Lock()
	defer c.Unlock()
	if el, ok := c.m[e.key]; ok && el.Value.(*cacheEntry) == e {
		c.bytes += n
		c.evict()
	}
}

// SetCacheBytes sets the budget of the decoded-postings cache (default
// 256 MiB); 0 disables it.
func SetCacheBytes(n int64) {
	c := &postingCache
	c.Lock()
	defer c.Unlock()
	c.max = n
	c.evict()
}

func cacheGet(s *Segment, term int) *cacheEntry {
	c := &postingCache
	c.Lock()
	defer c.Unlock()
	if el, ok := c.m[cacheKey{s, term}]; ok {
		c.lru.MoveToFront(el)
		return el.Value.(*cacheEntry)
	}
	return nil
}

func cachePut(e *cacheEntry) {
	c := &postingCache
	c.Lock()
	defer c.Unlock()
	if e.size() > c.max/4 {
		return
	}
	if _, ok := c.m[e.key]; ok {
		return
	}
	c.m[e.key] = c.lru.PushFront(e)
	c.bytes += e.size()
	c.evict()
}

// evict drops least recently used entries until the cache fits its budget.
func (c *lruCache) evict() {
	for c.bytes > c.max && c.lru.Len() > 0 {
		el := c.lru.Back()
		e := el.Value.(*cacheEntry)
		c.lru.Remove(el)
		delete(c.m, e.key)
		c.bytes -= e.size()
	}
}

// cacheDrop removes every entry of segment s (it is closing).
func cacheDrop(s *Segment) {
	c := &postingCache
	c.Lock()
	defer c.Unlock()
	for el := c.lru.Front(); el != nil; {
		next := el.Next()
		if e := el.Value.(*cacheEntry); e.key.seg == s {
			c.lru.Remove(el)
			delete(c.m, e.key)
			c.bytes -= e.size()
		}
		el = next
	}
}
