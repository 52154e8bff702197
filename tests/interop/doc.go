// Package interop holds Parley's browser interop tests: a real parleyd
// (built from cmd/parleyd and started with --dev), native engines in the
// test process, and Debian's headless Chromium with a fake camera and
// microphone on the debug page (web/), driven through playwright-core by
// browser.mjs. Chromium publishes and a native engine plays, a native
// engine publishes and Chromium plays, both at once in one room, with VP8
// and H.264: what each side receives is checked, pixels and sound.
//
// The tests run only with PARLEY_INTEROP=1 (make test-interop, which runs
// npm ci here first); plain go test skips them.
package interop
