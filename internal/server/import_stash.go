package server

import (
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// importStash keeps a CSV file that passed its check, for a short time, so
// that "Import these N rows" needs no second upload. Files are keyed by
// their SHA-256 and the user who checked them; only that user can take one
// back. It is held in this process: a file checked on another instance, or
// longer ago than importStashTTL, must be chosen again.
type importStash struct {
	mu    sync.Mutex
	files map[string]stashedImport
	size  int
}

type stashedImport struct {
	name    string
	data    []byte
	expires time.Time
}

const (
	importStashTTL   = 30 * time.Minute
	importStashBytes = 64 << 20 // oldest files go first beyond this
)

func stashKey(userID int64, hash string) string {
	return hex.EncodeToString([]byte{byte(userID >> 56), byte(userID >> 48), byte(userID >> 40), byte(userID >> 32),
		byte(userID >> 24), byte(userID >> 16), byte(userID >> 8), byte(userID)}) + ":" + hash
}

// put keeps data for userID and returns its hash.
func (st *importStash) put(userID int64, name string, data []byte, now time.Time) string {
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.files == nil {
		st.files = map[string]stashedImport{}
	}
	st.expire(now)
	key := stashKey(userID, hash)
	if old, ok := st.files[key]; ok {
		st.size -= len(old.data)
	}
	st.files[key] = stashedImport{name: name, data: data, expires: now.Add(importStashTTL)}
	st.size += len(data)
	for st.size > importStashBytes {
		oldest := ""
		for k, f := range st.files {
			if oldest == "" || f.expires.Before(st.files[oldest].expires) {
				oldest = k
			}
		}
		st.size -= len(st.files[oldest].data)
		delete(st.files, oldest)
	}
	return hash
}

// get returns the file userID checked with hash, if still held.
func (st *importStash) get(userID int64, hash string, now time.Time) (importFile, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.expire(now)
	f, ok := st.files[stashKey(userID, hash)]
	if !ok {
		return importFile{}, false
	}
	return importFile{name: f.name, data: f.data}, true
}

// drop forgets a file once it is imported.
func (st *importStash) drop(userID int64, hash string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	key := stashKey(userID, hash)
	if f, ok := st.files[key]; ok {
		st.size -= len(f.data)
		delete(st.files, key)
	}
}

func (st *importStash) expire(now time.Time) {
	for k, f := range st.files {
		if now.After(f.expires) {
			st.size -= len(f.data)
			delete(st.files, k)
		}
	}
}
