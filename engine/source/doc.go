// Package source makes synthetic media that needs no device: a moving test
// pattern that carries its frame number and capture time in blocks a
// receiver can read back (glass-to-glass latency in tests, demos and
// benchmarks), a continuous test tone, and a drift-free pacer to clock them.
package source
