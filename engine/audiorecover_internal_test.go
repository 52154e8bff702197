package engine

import (
	"bytes"
	"testing"

	"github.com/parley-rtc/parley/engine/codec/red"
)

func TestPlanGap(t *testing.T) {
	p0, p1, p2 := []byte("packet 0"), []byte("packet 1"), []byte("packet 2")
	withCopy := []red.Block{{PT: 111, Offset: 960, Data: p1}, {PT: 111, Data: p2}}
	plain := []red.Block{{PT: 111, Data: p2}}
	cases := []struct {
		name   string
		gap    int
		blocks []red.Block
		want   []audioFill
	}{
		{"one lost, its copy arrived", 1, withCopy, []audioFill{{data: p1}}},
		{"one lost, plain Opus: FEC from the next", 1, plain, []audioFill{{data: p2, fec: true}}},
		{"two lost: FEC from the copy, then the copy", 2, withCopy, []audioFill{{data: p1, fec: true}, {data: p1}}},
		{"three lost: concealed, FEC, copy", 3, withCopy, []audioFill{{}, {data: p1, fec: true}, {data: p1}}},
		{"two copies", 2, []red.Block{{PT: 111, Offset: 1920, Data: p0}, {PT: 111, Offset: 960, Data: p1}, {PT: 111, Data: p2}},
			[]audioFill{{data: p0}, {data: p1}}},
		{"an empty copy is no copy", 1, []red.Block{{PT: 111, Offset: 960}, {PT: 111, Data: p2}}, []audioFill{{data: p2, fec: true}}},
		{"longer than the limit: left to the mixer", maxAudioGap + 1, withCopy, nil},
		{"no gap", 0, withCopy, nil},
	}
	for _, c := range cases {
		got := planGap(nil, c.gap, c.blocks, 960)
		if len(got) != len(c.want) {
			t.Errorf("%s: %d fills, want %d", c.name, len(got), len(c.want))
			continue
		}
		for i := range got {
			if !bytes.Equal(got[i].data, c.want[i].data) || got[i].fec != c.want[i].fec {
				t.Errorf("%s: fill %d = {%q fec %v}, want {%q fec %v}", c.name, i, got[i].data, got[i].fec, c.want[i].data, c.want[i].fec)
			}
		}
	}
}
