package dealgate

import "sync"

// Derived holds values computed from one read result that does not change
// once read, such as a cached list page or a record page read at a stamp,
// so that a later request served the same result can reuse them instead of
// computing them again (the server keeps a page's rendered content here).
// It is created with the result and dropped with it, so nothing derived can
// outlive the data it came from: when a change moves the stamp, the next
// read makes a new result with an empty Derived. A nil *Derived is a result
// that is not shared (read inside a transaction, or not cacheable): Load
// always misses and Store does nothing.
type Derived struct {
	mu sync.RWMutex
	m  map[string]any
}

// derivedMax bounds the values kept for one result (one per viewer and URL
// that saw it); past it, new values are not kept and later viewers' pages
// are rendered as before. A shared list page (the committee's) seen by many
// members would otherwise keep a copy of its HTML for each of them.
const derivedMax = 32

// NewDerived returns an empty Derived for a result about to be shared.
func NewDerived() *Derived { return &Derived{m: map[string]any{}} }

// Load returns the value stored under key, if any.
func (d *Derived) Load(key string) (any, bool) {
	if d == nil {
		return nil, false
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	v, ok := d.m[key]
	return v, ok
}

// Store keeps v under key, unless the result holds derivedMax values already.
func (d *Derived) Store(key string, v any) {
	if d == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.m) < derivedMax {
		d.m[key] = v
	}
}
