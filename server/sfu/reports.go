package sfu

import (
	"encoding/binary"
	"sync/atomic"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/nack"
	"github.com/pion/interceptor/pkg/report"
	"github.com/pion/interceptor/pkg/stats"
	"github.com/pion/interceptor/pkg/twcc"
	"github.com/pion/logging"
	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
)

// RTCP the SFU speaks for itself (docs/quality.md): it forwards each
// publisher's sender reports to the subscribers, re-based on its own clock,
// instead of making up reports from the times it forwarded packets, so a
// player can map RTP time to the publisher's capture time; and it answers a
// player's receiver reference time reports (RFC 3611) with DLRR blocks, so a
// receive-only player can measure its round trip.

// maxNacksPerPacket bounds how often a lost packet is asked for.
const maxNacksPerPacket = 10

// registry is pion's default set of interceptors (NACK generator and
// responder, receiver reports, stats, TWCC feedback) without its sender
// report generator, whose reports the forwarded ones replace.
func registry(m *webrtc.MediaEngine, lf logging.LoggerFactory) (*interceptor.Registry, error) {
	reg := &interceptor.Registry{}
	if err := webrtc.ConfigureNackWithOptions(m, reg,
		// NACKs every 20 ms rather than pion's 100 ms: players hold an
		// incomplete frame only a few frames long. A packet is asked for
		// at most 10 times (200 ms): on a congested link, asking for long
		// lost packets again and again only fills it with stale
		// retransmissions.
		[]nack.GeneratorOption{nack.WithGeneratorLoggerFactory(lf), nack.GeneratorInterval(20 * time.Millisecond),
			nack.GeneratorMaxNacksPerPacket(maxNacksPerPacket)},
		nack.WithResponderLoggerFactory(lf)); err != nil {
		return nil, err
	}
	rr, err := report.NewReceiverInterceptor(report.WithReceiverLoggerFactory(lf))
	if err != nil {
		return nil, err
	}
	reg.Add(rr)
	if err := webrtc.ConfigureSimulcastExtensionHeaders(m); err != nil {
		return nil, err
	}
	if err := webrtc.ConfigureStatsInterceptorWithOptions(reg, stats.WithLoggerFactory(lf)); err != nil {
		return nil, err
	}
	if err := webrtc.ConfigureTWCCSenderWithOptions(m, reg, twcc.WithLoggerFactory(lf)); err != nil {
		return nil, err
	}
	return reg, nil
}

// trackCount counts what a publication's track forwarded, for the packet
// and octet counts of the sender reports (32 bits, wrapping, as RFC 3550
// has them). A subscriber's count is the track's less its base at attach.
type trackCount struct{ packets, octets atomic.Uint32 }

func (c *trackCount) add(payload int) {
	c.packets.Add(1)
	c.octets.Add(uint32(payload))
}

// outTrack is one of a subscriber's senders.
type outTrack struct {
	ssrc                 uint32
	basePkts, baseOctets uint32
}

// senderReport finds a sender report in a compound RTCP packet without
// decoding the rest (receiver reports come with most).
func senderReport(b []byte) *rtcp.SenderReport {
	for len(b) >= 4 {
		n := (int(binary.BigEndian.Uint16(b[2:4])) + 1) * 4
		if n > len(b) {
			return nil
		}
		if b[1] == 200 { // SR
			sr := &rtcp.SenderReport{}
			if sr.Unmarshal(b[:n]) == nil {
				return sr
			}
			return nil
		}
		b = b[n:]
	}
	return nil
}

// forwardSR sends a publisher's sender report for one kind to every
// subscriber. The report's RTP time is taken as the publisher's "now" when
// it left, which is this server's now less half the round trip to the
// publisher; the report each subscriber gets pairs that RTP time, moved on
// to this instant, with this server's NTP time, so players' receiver reports
// (LSR) refer to the server's clock and clocks need not agree.
func (p *publication) forwardSR(kind int, sr *rtcp.SenderReport, oneWay time.Duration) {
	now := time.Now()
	rate := uint32(90000)
	if kind == kindAudio {
		rate = 48000
	}
	rtpNow := sr.RTPTime + uint32(oneWay.Seconds()*float64(rate))
	ntp := toNTP(now)
	cnt := &p.counts[kind]
	pkts, octets := cnt.packets.Load(), cnt.octets.Load()
	for _, s := range p.subscribers() {
		s.mu.Lock()
		t, ok := s.out[kind], s.has[kind]
		s.mu.Unlock()
		if !ok {
			continue
		}
		_ = s.pc.WriteRTCP([]rtcp.Packet{&rtcp.SenderReport{
			SSRC: t.ssrc, NTPTime: ntp, RTPTime: rtpNow,
			PacketCount: pkts - t.basePkts, OctetCount: octets - t.baseOctets,
		}})
	}
}

// answerRRTR answers each receiver reference time report in a compound
// RTCP packet with a DLRR block for the same SSRC.
func (s *subscriber) answerRRTR(b []byte, arrived time.Time) {
	for len(b) >= 4 {
		n := (int(binary.BigEndian.Uint16(b[2:4])) + 1) * 4
		if n > len(b) {
			return
		}
		if b[1] == 207 { // XR
			var xr rtcp.ExtendedReport
			if xr.Unmarshal(b[:n]) == nil {
				for _, blk := range xr.Reports {
					if rrtr, ok := blk.(*rtcp.ReceiverReferenceTimeReportBlock); ok {
						delay := uint32(time.Since(arrived) * 65536 / time.Second)
						_ = s.pc.WriteRTCP([]rtcp.Packet{&rtcp.ExtendedReport{
							SenderSSRC: xr.SenderSSRC,
							Reports: []rtcp.ReportBlock{&rtcp.DLRRReportBlock{Reports: []rtcp.DLRRReport{{
								SSRC: xr.SenderSSRC, LastRR: uint32(rrtr.NTPTimestamp >> 16), DLRR: max(delay, 1),
							}}}},
						}})
					}
				}
			}
		}
		b = b[n:]
	}
}

// toNTP converts t to a 64-bit NTP timestamp.
func toNTP(t time.Time) uint64 {
	const ntpEpochOffset = 2208988800 // seconds from 1900 to 1970
	ns := t.UnixNano()
	return (uint64(ns/1e9)+ntpEpochOffset)<<32 | (uint64(ns%1e9)<<32)/1e9
}
