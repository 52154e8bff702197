// Package soak holds Parley's soak test: hundreds of full engine lifecycles
// (create, log in, publish, play a frame into a view, log out, destroy) in
// one process against one server, after which the process must hold no more
// goroutines, file descriptors or memory than before. It runs only with
// PARLEY_SOAK=1 (make soak), without the race detector, whose shadow memory
// would hide what the test measures.
package soak
