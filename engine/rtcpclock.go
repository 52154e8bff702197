package engine

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
)

// Clocks over RTCP (docs/quality.md): sender reports tie a stream's RTP time
// to wall-clock time, and a receive-only player measures its round trip with
// RFC 3611 receiver reference time reports, which the server answers with
// DLRR blocks.

// ntpEpochOffset is the number of seconds from 1900 (NTP) to 1970 (Unix).
const ntpEpochOffset = 2208988800

// toNTP converts t to a 64-bit NTP timestamp.
func toNTP(t time.Time) uint64 {
	ns := t.UnixNano()
	sec := uint64(ns/1e9) + ntpEpochOffset
	frac := (uint64(ns%1e9) << 32) / 1e9
	return sec<<32 | frac
}

// fromNTP converts a 64-bit NTP timestamp to a time.
func fromNTP(n uint64) time.Time {
	sec := int64(n>>32) - ntpEpochOffset
	ns := (int64(n&0xffffffff) * 1e9) >> 32
	return time.Unix(sec, ns)
}

// ntpMid is the middle 32 bits of an NTP timestamp, the 16.16 fixed-point
// seconds RTCP's LSR, LRR and delay fields use.
func ntpMid(n uint64) uint32 { return uint32(n >> 16) }

// captureRTPTime is the video RTP time of instant t on Parley's capture clock
// (Unix milliseconds × 90, encode.go).
func captureRTPTime(t time.Time) uint32 { return uint32(t.UnixMicro() * 9 / 100) }

// captureClockFactory builds the interceptor that puts the RTP time of the
// video sender reports on the capture clock. pion's report interceptor
// extrapolates RTP time from when a frame's first packet was sent, which is
// after the frame was captured and encoded; Parley's video RTP timestamps are
// capture times, so the exact RTP time at the report's NTP instant is known.
// It must be registered before pion's report interceptor, so that it wraps
// the writer that interceptor sends through.
type captureClockFactory struct{}

func (captureClockFactory) NewInterceptor(string) (interceptor.Interceptor, error) {
	return &captureClock{video: map[uint32]bool{}}, nil
}

type captureClock struct {
	interceptor.NoOp
	mu    sync.Mutex
	video map[uint32]bool // SSRCs of the local video streams
}

func (c *captureClock) BindLocalStream(info *interceptor.StreamInfo, w interceptor.RTPWriter) interceptor.RTPWriter {
	if strings.HasPrefix(strings.ToLower(info.MimeType), "video/") {
		c.mu.Lock()
		c.video[info.SSRC] = true
		c.mu.Unlock()
	}
	return w
}

func (c *captureClock) UnbindLocalStream(info *interceptor.StreamInfo) {
	c.mu.Lock()
	delete(c.video, info.SSRC)
	c.mu.Unlock()
}

func (c *captureClock) BindRTCPWriter(w interceptor.RTCPWriter) interceptor.RTCPWriter {
	return interceptor.RTCPWriterFunc(func(pkts []rtcp.Packet, attr interceptor.Attributes) (int, error) {
		for _, p := range pkts {
			if sr, ok := p.(*rtcp.SenderReport); ok {
				c.mu.Lock()
				video := c.video[sr.SSRC]
				c.mu.Unlock()
				if video {
					sr.RTPTime = captureRTPTime(fromNTP(sr.NTPTime))
				}
			}
		}
		return w.Write(pkts, attr)
	})
}

// remoteClock maps a played stream's video RTP time to this host's clock.
// A sender report's RTP time was the sender's "now" when it left, which is
// taken to be its arrival here less half the round trip, so the sender's and
// this host's clocks need not agree. Of the reports of the last
// remoteClockWindow the one implying the earliest sending is kept: it waited
// least in queues on the way.
type remoteClock struct {
	mu   sync.Mutex
	ok   bool
	base time.Time // this host's time of RTP time rtp
	rtp  uint32
	at   time.Time // when base was taken
}

const remoteClockWindow = 10 * time.Second

func (c *remoteClock) update(sr *rtcp.SenderReport, arrived time.Time, rtt time.Duration) {
	base := arrived.Add(-rtt / 2)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ok && arrived.Sub(c.at) < remoteClockWindow {
		// the capture instant of RTP time c.rtp by the new report
		alt := base.Add(-rtpDuration(sr.RTPTime - c.rtp))
		if !alt.Before(c.base) {
			return
		}
	}
	c.ok, c.base, c.rtp, c.at = true, base, sr.RTPTime, arrived
}

// captureTimeMs maps a video RTP timestamp to this host's Unix
// milliseconds; 0 until the first sender report.
func (c *remoteClock) captureTimeMs(ts uint32) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.ok {
		return 0
	}
	return c.base.Add(rtpDuration(ts - c.rtp)).UnixMilli()
}

// rtpDuration is a signed 90 kHz RTP time difference as a duration.
func rtpDuration(d uint32) time.Duration {
	return time.Duration(int32(d)) * time.Second / 90000
}

// rttMeter measures a player's round trip to the server over RTCP.
type rttMeter struct {
	ms atomic.Int32 // latest round trip in ms; -1 none yet
}

func newRTTMeter() *rttMeter {
	m := &rttMeter{}
	m.ms.Store(-1)
	return m
}

// probe is the receiver reference time report to send now. Its sender SSRC
// is the played media's SSRC, the one the server reads RTCP for.
func probe(mediaSSRC uint32, now time.Time) rtcp.Packet {
	return &rtcp.ExtendedReport{SenderSSRC: mediaSSRC, Reports: []rtcp.ReportBlock{
		&rtcp.ReceiverReferenceTimeReportBlock{NTPTimestamp: toNTP(now)},
	}}
}

// answer takes a DLRR block that answers one of this host's probes.
func (m *rttMeter) answer(xr *rtcp.ExtendedReport, arrived time.Time) {
	for _, b := range xr.Reports {
		d, ok := b.(*rtcp.DLRRReportBlock)
		if !ok {
			continue
		}
		for _, r := range d.Reports {
			if r.LastRR == 0 {
				continue
			}
			rtt := int64(int32(ntpMid(toNTP(arrived))-r.LastRR-r.DLRR)) * 1000 >> 16
			if rtt >= 0 && rtt < 60_000 {
				m.ms.Store(int32(rtt))
			}
		}
	}
}

// rtt is the latest round trip, or -1.
func (m *rttMeter) rtt() time.Duration {
	ms := m.ms.Load()
	if ms < 0 {
		return 0
	}
	return time.Duration(ms) * time.Millisecond
}
