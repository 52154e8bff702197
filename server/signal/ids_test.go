package signal

import (
	"sync"
	"testing"

	"github.com/parley-rtc/parley/server/room"
)

// Session and publication numbers drawn from the hub by another front end,
// from many goroutines, are never zero and never repeat.
func TestHubHandsOutUniqueIDs(t *testing.T) {
	h := NewHub(Config{Directory: room.NewMemory()})
	var mu sync.Mutex
	sessions, pubs := map[room.SessionID]bool{}, map[room.PublicationID]bool{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				s, p := h.NewSessionID(), h.NewPublicationID()
				mu.Lock()
				if s == 0 || p == 0 || sessions[s] || pubs[p] {
					t.Errorf("session %d or publication %d is zero or handed out twice", s, p)
				}
				sessions[s], pubs[p] = true, true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	h.Close()
}
