package source

import "testing"

func TestCodeBitsRoundTripAndCheck(t *testing.T) {
	for _, c := range []struct {
		n  uint32
		ms int64
	}{{0, 0}, {1, 1}, {0xFFFFFFFF, 1<<48 - 1}, {123456, 1_767_225_600_123}} {
		var bits [codeBits]bool
		encodeBits(&bits, c.n, c.ms)
		if n, ms, ok := decodeBits(&bits); !ok || n != c.n || ms != c.ms {
			t.Fatalf("%d %d read back as %d %d %v", c.n, c.ms, n, ms, ok)
		}
		for i := range bits { // every single-bit error is caught
			bits[i] = !bits[i]
			if _, _, ok := decodeBits(&bits); ok {
				t.Fatalf("bit %d flipped, still accepted", i)
			}
			bits[i] = !bits[i]
		}
	}
}
