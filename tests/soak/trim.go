package soak

// #include <malloc.h>
//
// // One malloc arena, set before the Go runtime starts any thread. With
// // glibc's default of an arena per contending thread (up to 8 per core),
// // buffers freed on other threads' arenas stay resident, and RSS swings
// // by tens of MiB between measurements without anything being held.
// __attribute__((constructor)) static void oneArena(void) { mallopt(M_ARENA_MAX, 1); }
//
// static size_t cHeapInUse(void) {
//	struct mallinfo2 m = mallinfo2();
//	return m.uordblks + m.hblkhd;
// }
import "C"

// trimCHeap gives the C heap's free memory back to the OS. Go's
// debug.FreeOSMemory does the same for the Go heap only; without both, RSS
// would count memory the allocators keep for reuse (libvpx and Opus buffers)
// as held.
func trimCHeap() { C.malloc_trim(0) }

// cHeapInUse is what C code holds from malloc now, in bytes: a leak in a
// codec library shows here whatever the allocator keeps resident.
func cHeapInUse() int64 { return int64(C.cHeapInUse()) }
