package red

import (
	"bytes"
	"errors"
	"testing"
)

func TestAppendParseRoundTrip(t *testing.T) {
	prev := []byte("previous opus packet")
	older := []byte("older")
	cur := []byte("current opus packet, longer than the rest")
	p, err := Append(nil, 111, cur, Block{PT: 111, Offset: 1920, Data: older}, Block{PT: 111, Offset: 960, Data: prev})
	if err != nil {
		t.Fatal(err)
	}
	if want := 4*2 + 1 + len(older) + len(prev) + len(cur); len(p) != want {
		t.Fatalf("payload is %d bytes, want %d", len(p), want)
	}
	blocks, err := Parse(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []Block{{111, 1920, older}, {111, 960, prev}, {111, 0, cur}}
	if len(blocks) != len(want) {
		t.Fatalf("%d blocks, want %d", len(blocks), len(want))
	}
	for i, b := range blocks {
		if b.PT != want[i].PT || b.Offset != want[i].Offset || !bytes.Equal(b.Data, want[i].Data) {
			t.Errorf("block %d = {%d %d %q}, want {%d %d %q}", i, b.PT, b.Offset, b.Data, want[i].PT, want[i].Offset, want[i].Data)
		}
	}
	pt, data, err := Primary(p)
	if err != nil || pt != 111 || !bytes.Equal(data, cur) {
		t.Errorf("Primary = %d %q %v, want 111 %q", pt, data, err, cur)
	}
}

// A payload with no redundant block is the primary after one byte; an
// empty redundant block (what a sender with nothing to repeat may send)
// parses too.
func TestPrimaryOnlyAndEmptyBlocks(t *testing.T) {
	p, _ := Append(nil, 111, []byte{1, 2, 3})
	if !bytes.Equal(p, []byte{111, 1, 2, 3}) {
		t.Fatalf("payload % x", p)
	}
	p, _ = Append(nil, 111, []byte{9}, Block{PT: 111, Offset: 960})
	blocks, err := Parse(p, nil)
	if err != nil || len(blocks) != 2 || len(blocks[0].Data) != 0 || !bytes.Equal(blocks[1].Data, []byte{9}) {
		t.Fatalf("Parse = %+v, %v", blocks, err)
	}
}

func TestLimits(t *testing.T) {
	if _, err := Append(nil, 111, nil, Block{Data: make([]byte, MaxBlockSize+1)}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("block of %d bytes: %v, want ErrTooLarge", MaxBlockSize+1, err)
	}
	if _, err := Append(nil, 111, nil, Block{Offset: MaxOffset + 1}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("offset %d: %v, want ErrTooLarge", MaxOffset+1, err)
	}
	p, err := Append(nil, 111, nil, Block{PT: 111, Offset: MaxOffset, Data: make([]byte, MaxBlockSize)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse(p, nil)
	if err != nil || b[0].Offset != MaxOffset || len(b[0].Data) != MaxBlockSize {
		t.Errorf("at the limits: %v", err)
	}
}

// Truncated or lying payloads are errors, never a panic.
func TestMalformed(t *testing.T) {
	good, _ := Append(nil, 111, []byte("primary"), Block{PT: 111, Offset: 960, Data: []byte("redundant")})
	for n := 0; n < 4+1+len("redundant"); n++ {
		if _, err := Parse(good[:n], nil); !errors.Is(err, ErrMalformed) {
			t.Errorf("truncated to %d bytes: %v, want ErrMalformed", n, err)
		}
		if _, _, err := Primary(good[:n]); !errors.Is(err, ErrMalformed) {
			t.Errorf("Primary of %d bytes: %v, want ErrMalformed", n, err)
		}
	}
	for _, p := range [][]byte{{}, {0x80}, {0xff, 0xff, 0xff, 0xff}, {0xef, 0, 3, 0xff, 111}} {
		if b, err := Parse(p, nil); !errors.Is(err, ErrMalformed) {
			t.Errorf("Parse(% x) = %+v, %v; want ErrMalformed", p, b, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	good, _ := Append(nil, 111, []byte("primary"), Block{PT: 111, Offset: 960, Data: []byte("redundant")})
	f.Add(good)
	f.Fuzz(func(t *testing.T, p []byte) {
		blocks, err := Parse(p, nil)
		_, data, perr := Primary(p)
		if (err == nil) != (perr == nil) {
			t.Fatalf("Parse and Primary disagree: %v / %v", err, perr)
		}
		if err == nil && !bytes.Equal(blocks[len(blocks)-1].Data, data) {
			t.Fatal("Parse and Primary give different primaries")
		}
	})
}

func BenchmarkParse(b *testing.B) {
	p, _ := Append(nil, 111, make([]byte, 80), Block{PT: 111, Offset: 960, Data: make([]byte, 80)})
	blocks := make([]Block, 0, 4)
	b.ReportAllocs()
	for b.Loop() {
		blocks, _ = Parse(p, blocks[:0])
	}
}

func TestNames(t *testing.T) {
	for fmtp, want := range map[string]bool{"111/111": true, "111": true, "111/111/111": true, " 111/111 ": true,
		"111/96": false, "": false, "96/96": false, "111/": false, "maxaveragebitrate=1": false} {
		if got := Names(fmtp, 111); got != want {
			t.Errorf("Names(%q, 111) = %v, want %v", fmtp, got, want)
		}
	}
}
