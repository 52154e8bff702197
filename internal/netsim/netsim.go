// Package netsim impairs a UDP socket the way a bad network does: random
// loss, delay with jitter (which also reorders), a bandwidth cap, and
// outages. It wraps the one socket an engine's media goes through
// (engine.Config.MediaConn), in both directions, so tests run real calls
// over a link they control. The randomness is seeded: a run repeats.
package netsim

import (
	"math/rand/v2"
	"net"
	"sync"
	"time"
)

// Link is the impairment, the same each way.
type Link struct {
	Loss    float64       // probability a packet is dropped, 0-1
	Delay   time.Duration // one-way delay
	Jitter  time.Duration // the delay varies by up to ± this, uniformly
	RateBps int           // bandwidth cap in bits per second (a 50 ms queue, then drops); 0 none
	Down    bool          // nothing gets through
}

// Conn is an impaired net.PacketConn.
type Conn struct {
	net.PacketConn

	mu     sync.Mutex
	closed bool
	link   Link
	rng    *rand.Rand
	queued [2]time.Time // when each direction's bandwidth queue drains
	sent   uint64       // bytes the owner wrote, whatever became of them

	in     chan packet
	done   chan struct{}
	once   sync.Once
	wg     sync.WaitGroup
	timers sync.WaitGroup
}

type packet struct {
	b    []byte
	addr net.Addr
}

// Directions, as indexes into queued.
const (
	outbound = 0
	inbound  = 1
)

// New wraps c with link, seeded with seed.
func New(c net.PacketConn, link Link, seed uint64) *Conn {
	s := &Conn{PacketConn: c, link: link, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		in: make(chan packet, 1024), done: make(chan struct{})}
	s.wg.Add(1)
	go s.readLoop()
	return s
}

// Listen opens a loopback UDP socket impaired by link.
func Listen(link Link, seed uint64) (*Conn, error) {
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	return New(c, link, seed), nil
}

// Set changes the impairment from now on.
func (s *Conn) Set(link Link) {
	s.mu.Lock()
	s.link = link
	s.mu.Unlock()
}

// Sent is how many bytes were written to the link so far: the owner's
// send rate, before the link drops or delays any of them.
func (s *Conn) Sent() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sent
}

// fate decides a packet's delay, or that it is dropped.
func (s *Conn) fate(dir, size int) (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.link
	if l.Down || (l.Loss > 0 && s.rng.Float64() < l.Loss) {
		return 0, false
	}
	d := l.Delay
	if l.Jitter > 0 {
		d += time.Duration((s.rng.Float64()*2 - 1) * float64(l.Jitter))
	}
	if l.RateBps > 0 {
		now := time.Now()
		start := s.queued[dir]
		if start.Before(now) {
			start = now
		}
		if start.Sub(now) > 50*time.Millisecond {
			return 0, false // the queue is full: a tail drop
		}
		s.queued[dir] = start.Add(time.Duration(size*8) * time.Second / time.Duration(l.RateBps))
		d += s.queued[dir].Sub(now)
	}
	return max(d, 0), true
}

// WriteTo sends b after the link's delay, or drops it; either way it
// reports success, as UDP does.
func (s *Conn) WriteTo(b []byte, addr net.Addr) (int, error) {
	s.mu.Lock()
	s.sent += uint64(len(b))
	s.mu.Unlock()
	d, ok := s.fate(outbound, len(b))
	if !ok {
		return len(b), nil
	}
	if d == 0 {
		return s.PacketConn.WriteTo(b, addr)
	}
	c := append([]byte(nil), b...)
	s.later(d, func() { _, _ = s.PacketConn.WriteTo(c, addr) })
	return len(b), nil
}

// ReadFrom returns the next packet that made it through the link.
func (s *Conn) ReadFrom(b []byte) (int, net.Addr, error) {
	select {
	case p := <-s.in:
		return copy(b, p.b), p.addr, nil
	case <-s.done:
		return 0, nil, net.ErrClosed
	}
}

func (s *Conn) readLoop() {
	defer s.wg.Done()
	buf := make([]byte, 1500)
	for {
		n, addr, err := s.PacketConn.ReadFrom(buf)
		if err != nil {
			s.stop()
			return
		}
		d, ok := s.fate(inbound, n)
		if !ok {
			continue
		}
		p := packet{b: append([]byte(nil), buf[:n]...), addr: addr}
		if d == 0 {
			s.deliver(p)
			continue
		}
		s.later(d, func() { s.deliver(p) })
	}
}

func (s *Conn) deliver(p packet) {
	select {
	case s.in <- p:
	case <-s.done:
	default: // the reader is not keeping up: the socket buffer overflows
	}
}

// later runs f after d unless the conn closes first.
func (s *Conn) later(d time.Duration, f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.timers.Add(1)
	time.AfterFunc(d, func() {
		defer s.timers.Done()
		select {
		case <-s.done:
		default:
			f()
		}
	})
}

// stop closes the socket once.
func (s *Conn) stop() (err error) {
	s.once.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		close(s.done)
		err = s.PacketConn.Close()
	})
	return err
}

// Close closes the socket and waits for packets in flight to be dropped.
func (s *Conn) Close() error {
	err := s.stop()
	s.wg.Wait()
	s.timers.Wait()
	return err
}
