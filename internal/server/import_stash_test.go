package server

import (
	"testing"
	"time"
)

func TestImportStashKeepsAFileForItsUserForAWhile(t *testing.T) {
	var st importStash
	now := time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC)
	hash := st.put(7, "a.csv", []byte("x,y\n"), now)
	if f, ok := st.get(7, hash, now.Add(time.Minute)); !ok || f.name != "a.csv" || string(f.data) != "x,y\n" {
		t.Fatalf("get: %v %q", ok, f.name)
	}
	if _, ok := st.get(8, hash, now); ok {
		t.Error("another user took the file")
	}
	if _, ok := st.get(7, hash, now.Add(importStashTTL+time.Second)); ok {
		t.Error("the file outlived its time")
	}
	hash = st.put(7, "a.csv", []byte("x,y\n"), now)
	st.drop(7, hash)
	if _, ok := st.get(7, hash, now); ok || st.size != 0 {
		t.Errorf("after drop: held %v, size %d", ok, st.size)
	}
	big := make([]byte, importStashBytes/2+1)
	first := st.put(1, "1.csv", big, now)
	st.put(1, "2.csv", append(big[:len(big):len(big)], 'b'), now.Add(time.Second))
	if _, ok := st.get(1, first, now.Add(2*time.Second)); ok {
		t.Error("the oldest file was kept beyond the size limit")
	}
}
