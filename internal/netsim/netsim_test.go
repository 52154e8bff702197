package netsim

import (
	"net"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// pair sends n numbered packets from an impaired socket to a plain one and
// returns what arrived, in arrival order, within wait.
func pair(t *testing.T, link Link, n int, wait time.Duration) []byte {
	t.Helper()
	rx, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer rx.Close()
	tx, err := Listen(link, 7)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	for i := range n {
		if _, err := tx.WriteTo([]byte{byte(i)}, rx.LocalAddr()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
	var got []byte
	buf := make([]byte, 10)
	_ = rx.SetReadDeadline(time.Now().Add(wait))
	for {
		k, _, err := rx.ReadFrom(buf)
		if err != nil {
			return got
		}
		got = append(got, buf[:k]...)
	}
}

func TestLossIsNearTheRate(t *testing.T) {
	got := pair(t, Link{Loss: 0.2}, 200, 300*time.Millisecond)
	if lost := 200 - len(got); lost < 20 || lost > 60 {
		t.Fatalf("lost %d of 200 at 20%%", lost)
	}
}

func TestDelayAndJitterReorder(t *testing.T) {
	start := time.Now()
	got := pair(t, Link{Delay: 40 * time.Millisecond, Jitter: 20 * time.Millisecond}, 100, 500*time.Millisecond)
	if len(got) != 100 {
		t.Fatalf("%d of 100 arrived with no loss set", len(got))
	}
	reordered := 0
	for i := 1; i < len(got); i++ {
		if got[i] < got[i-1] {
			reordered++
		}
	}
	if reordered == 0 {
		t.Fatal("±20 ms of jitter at 1 packet/ms reordered nothing")
	}
	if time.Since(start) < 40*time.Millisecond {
		t.Fatal("no delay")
	}
}

func TestDownDropsEverything(t *testing.T) {
	if got := pair(t, Link{Down: true}, 50, 100*time.Millisecond); len(got) != 0 {
		t.Fatalf("%d packets crossed a link that is down", len(got))
	}
}

func TestRateCapDropsTheExcess(t *testing.T) {
	// 1-byte packets at 800 bit/s take 10 ms each: of 100 sent over about
	// 100-150 ms, what drains meanwhile plus a 50 ms queue passes.
	if got := pair(t, Link{RateBps: 800}, 100, 300*time.Millisecond); len(got) == 0 || len(got) > 30 {
		t.Fatalf("%d of 100 packets passed an 800 bit/s cap", len(got))
	}
	if got := pair(t, Link{RateBps: 80_000}, 100, 300*time.Millisecond); len(got) != 100 {
		t.Fatalf("%d of 100 packets passed an 80 kbit/s cap they fit in", len(got))
	}
}
