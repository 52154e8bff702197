package engine

import (
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/engine/codec/opus"
	"github.com/parley-rtc/parley/engine/codec/red"
	"github.com/parley-rtc/parley/render"
)

// readVideo assembles, decodes and renders the stream's video until the
// track ends. It runs on the track's own goroutine so that a slow view never
// stalls audio.
func (a *attempt) readVideo(t *webrtc.TrackRemote) {
	p := a.p
	e := p.e
	asm, dec, err := newVideoReceiver(t.Codec()) // VP8 or H.264, as negotiated
	if err != nil {
		e.emit(Event{Kind: EventDebugError, Code: 1005002, FuncName: "play", Info: err.Error()})
		return
	}
	defer dec.Close()
	ssrc := uint32(t.SSRC())
	var r rtpReader
	lastPLI := time.Time{}
	pli := func() {
		if now := time.Now(); now.Sub(lastPLI) > 100*time.Millisecond {
			lastPLI = now
			a.sendPLI(ssrc)
		}
	}
	pli() // a subscriber joining mid-stream needs a keyframe at once
	for {
		pkt, n, err := r.read(t)
		if err != nil {
			return
		}
		if pkt == nil {
			continue
		}
		p.stats.videoBytes.Add(uint64(n))
		frames, needKey := asm.push(pkt)
		if needKey {
			pli()
		}
		for _, f := range frames {
			a.onFrame(dec, f, pli)
		}
	}
}

func (a *attempt) onFrame(dec videoDecoder, f videoFrame, pli func()) {
	p := a.p
	e := p.e
	p.stats.recvFrames.Add(1)
	if !a.firstRecv {
		a.firstRecv = true
		e.emit(Event{Kind: EventPlayerRecvVideoFirstFrame, StreamID: p.streamID})
	}
	img, err := dec.Decode(f.Data)
	if err != nil || img == nil {
		pli()
		return
	}
	p.stats.decodedFrames.Add(1)
	now := time.Now()
	capMs := a.clock.captureTimeMs(f.Timestamp)
	if img.Width != a.lastW || img.Height != a.lastH {
		a.lastW, a.lastH = img.Width, img.Height
		p.stats.width.Store(int32(img.Width))
		p.stats.height.Store(int32(img.Height))
		e.emit(Event{Kind: EventPlayerVideoSizeChanged, StreamID: p.streamID, Width: img.Width, Height: img.Height})
	}
	if a.video.frame(now) {
		a.mediaEvent(MediaVideoBreakResume)
	}
	if v := p.currentView(); v != nil && !p.localVideoMuted.Load() {
		v.Write(img, render.FrameMeta{CaptureTimeMs: capMs}, false)
		p.stats.renderedFrames.Add(1)
		if capMs != 0 {
			p.stats.delaySumMs.Add(time.Now().UnixMilli() - capMs)
			p.stats.delayCount.Add(1)
		}
		if !a.firstRender {
			a.firstRender = true
			e.emit(Event{Kind: EventPlayerRenderVideoFirstFrame, StreamID: p.streamID})
		}
	}
}

// readAudio decodes the stream's Opus, plain or inside RED, into the
// engine's mixer.
func (a *attempt) readAudio(t *webrtc.TrackRemote) {
	p := a.p
	e := p.e
	dec, err := opus.NewDecoder(48000, 2)
	if err != nil {
		e.emit(Event{Kind: EventDebugError, Code: 1005002, FuncName: "play", Info: err.Error()})
		return
	}
	defer dec.Close()
	src := e.mixer.AddSource(p.streamID)
	defer src.Close()
	pcm := make([]int16, opus.MaxFrameSamples*2) // the longest Opus frame, 120 ms stereo
	var r rtpReader
	var lastSeq uint16
	started := false
	blocks := make([]red.Block, 0, 4)
	fills := make([]audioFill, 0, maxAudioGap)
	for {
		pkt, n, err := r.read(t)
		if err != nil {
			return
		}
		if pkt == nil || len(pkt.Payload) == 0 {
			continue
		}
		p.stats.audioBytes.Add(uint64(n))
		// Late or duplicate packets are dropped: their gap was filled.
		gap := int(pkt.SequenceNumber - lastSeq - 1)
		if started && gap >= 0x8000 {
			continue
		}
		blocks = blocks[:0]
		if pkt.PayloadType == ptRED {
			if blocks, err = red.Parse(pkt.Payload, blocks); err != nil {
				continue
			}
		} else {
			blocks = append(blocks, red.Block{PT: pkt.PayloadType, Data: pkt.Payload})
		}
		primary := blocks[len(blocks)-1].Data
		if len(primary) == 0 {
			continue
		}
		// A short gap is filled so that the mix keeps its timing, each
		// lost packet from its copy in this one (RED), else from the FEC
		// of the packet after it, else concealed (planGap).
		if started && gap > 0 {
			if spc, err := dec.PacketSamples(primary); err == nil {
				fills = planGap(fills[:0], gap, blocks, uint32(spc))
				for _, f := range fills {
					var k int
					switch {
					case f.data == nil:
						k, err = dec.DecodePLC(pcm, spc)
					case f.fec:
						k, err = dec.DecodeFEC(f.data, pcm, spc)
					default:
						k, err = dec.Decode(f.data, pcm)
					}
					if err == nil && !p.localAudioMuted.Load() {
						src.Push(pcm[:k*2])
					}
				}
			}
		}
		lastSeq, started = pkt.SequenceNumber, true
		spc, err := dec.Decode(primary, pcm)
		if err != nil {
			continue
		}
		if a.audio.frame(time.Now()) {
			a.mediaEvent(MediaAudioBreakResume)
		}
		if !p.localAudioMuted.Load() {
			src.Push(pcm[:spc*2])
		}
	}
}
