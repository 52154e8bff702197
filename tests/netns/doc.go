// Package netns runs Parley calls between real processes on separate Linux
// network namespaces and checks what a player notices when the network or
// the server goes away (docs/reconnection.md, Tested).
//
// Each test builds its own topology: a server namespace running parleyd
// --dev on 0.0.0.0:7880, and client namespaces A and B, each joined to the
// server's by a veth pair with its own /24 (10.77.1.0/24 for A, 10.77.2.0/24
// for B; the server is .1, the client .2). Names carry the test process's
// pid and a sequence number, so runs side by side do not clash; the
// namespaces (and with them the veths) are deleted when the test ends, and
// ones left by a killed run are swept at the next start.
//
// A client is the test binary run again inside its namespace
// (TestClientProcess, chosen by PARLEY_NETNS_ROLE): A publishes the
// engine's default test pattern and tone at 640x360, 30 fps; B plays A's
// stream into a 64x36 view. A client writes one JSON line per event to
// stdout, and B also a line every 250 ms with the frames its view got in
// the second before. Closing its stdin makes a client destroy its engine,
// report any goroutine left running, and exit.
//
// An outage is the server's end of a client's veth set down: the client
// sees silence, not an error. The scenarios run only with PARLEY_NETNS=1
// (make test-netns), as root with iproute2; PARLEY_NETNS_LONG=1 (make
// test-netns-long) gives the outage beyond the reconnect window its full
// length.
package netns
