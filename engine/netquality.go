package engine

// networkQualityTicks: on_network_quality comes every 2 s (quality ticks are 1 s).
const networkQualityTicks = 2

// netQuality keeps the newest quality level of every stream, from which the
// per-user network quality is derived.
type netQuality struct {
	pub  map[*publisher]QualityLevel
	play map[*player]QualityLevel
}

func newNetQuality() *netQuality {
	return &netQuality{pub: map[*publisher]QualityLevel{}, play: map[*player]QualityLevel{}}
}

// forget drops streams that ended.
func (n *netQuality) forget(pubs map[*publisher]pubSnap, plays map[*player]playSnap) {
	for p := range n.pub {
		if _, ok := pubs[p]; !ok {
			delete(n.pub, p)
		}
	}
	for p := range n.play {
		if _, ok := plays[p]; !ok {
			delete(n.play, p)
		}
	}
}

// worse returns the worse of two levels; UNKNOWN only when nothing is known.
func worse(a, b QualityLevel) QualityLevel {
	switch {
	case a == QualityUnknown:
		return b
	case b == QualityUnknown:
		return a
	case b > a:
		return b
	}
	return a
}

// emitNetworkQuality reports the local user ("") — upstream from its
// publishers, downstream from its players — and every remote user whose
// stream is played, whose upstream is judged by what arrives here (their
// uplink and this downlink together: the best a receiver can measure) and
// whose downstream this engine cannot see (UNKNOWN).
func (e *Engine) emitNetworkQuality(n *netQuality, pubs []*publisher, players []*player) {
	up, down := QualityUnknown, QualityUnknown
	for _, p := range pubs {
		if l, ok := n.pub[p]; ok {
			up = worse(up, l)
		}
	}
	remote := map[string]QualityLevel{}
	var order []string
	e.mu.Lock()
	for _, p := range players {
		l, ok := n.play[p]
		if !ok {
			continue
		}
		down = worse(down, l)
		for _, r := range e.rooms {
			if s, ok := r.streams[p.streamID]; ok {
				if _, seen := remote[s.UserID]; !seen {
					order = append(order, s.UserID)
					remote[s.UserID] = QualityUnknown
				}
				remote[s.UserID] = worse(remote[s.UserID], l)
				break
			}
		}
	}
	e.mu.Unlock()
	if len(pubs) == 0 && len(players) == 0 {
		return // nothing to measure
	}
	e.emit(Event{Kind: EventNetworkQuality, Upstream: up, Downstream: down})
	for _, u := range order {
		e.emit(Event{Kind: EventNetworkQuality, UserID: u, Upstream: remote[u], Downstream: QualityUnknown})
	}
}
