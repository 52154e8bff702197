// Package interop holds Parley's browser interop tests: a real parleyd
// (built from cmd/parleyd and started with --dev), native engines in the
// test process, and Debian's headless Chromium with a fake camera and
// microphone on the debug page (web/), driven through playwright-core by
// browser.mjs. Chromium publishes and a native engine plays, a native
// engine publishes and Chromium plays, both at once in one room, with VP8
// and H.264: what each side receives is checked, pixels and sound.
//
// The WHIP and WHEP tests (whip_test.go, whep_test.go) put third-party
// clients against parleyd: Debian's simple-whip-client publishes and a
// native engine plays, Chromium plays an engine's stream on parleyd's WHEP
// player (web/whep.html).
//
// The tests run only with PARLEY_INTEROP=1 (make test-interop, which runs
// npm ci here first), the WHIP and WHEP ones only with PARLEY_WHIP=1 too
// (make test-whip); plain go test skips them.
package interop
