// The browser side of the interop tests: starts Debian's Chromium through
// playwright-core (fake camera and microphone) and runs the Go test's
// commands, one JSON object per line on stdin, answering one per line on
// stdout:
//
//   {"id":1,"op":"open","url":"http://127.0.0.1:7880/?autostart=1&..."}  → {"id":1,"page":1}
//   {"id":2,"op":"eval","page":1,"expr":"window.parley.stats"}           → {"id":2,"value":{...}}
//   {"id":3,"op":"screenshot","page":1,"path":"/tmp/x.png"}               → {"id":3}
//   {"id":4,"op":"close","page":1}                                         → {"id":4}
//
// A failed command answers {"id":N,"error":"..."}. The first line out is
// {"ready":true,"version":"..."} once Chromium runs; EOF on stdin closes it.
// The pages' console errors go to stderr.
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const executablePath = process.env.PARLEY_CHROMIUM || "/usr/bin/chromium";

// The environment notes' flags for a machine without a network, then
// WebRTC's: fake devices granted without a prompt, loopback ICE candidates
// with plain addresses (parleyd listens on 127.0.0.1), sound without a click.
const args = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--use-fake-device-for-media-stream",
  "--use-fake-ui-for-media-stream",
  "--allow-loopback-in-peer-connection",
  "--disable-features=WebRtcHideLocalIpsWithMdns",
  "--autoplay-policy=no-user-gesture-required",
];

const browser = await chromium.launch({ executablePath, headless: true, args });
const pages = new Map();
let nextPage = 1;

const send = (msg) => process.stdout.write(JSON.stringify(msg) + "\n");

async function run(cmd) {
  switch (cmd.op) {
    case "open": {
      const context = await browser.newContext();
      const page = await context.newPage();
      const n = nextPage++;
      page.on("console", (m) => m.type() === "error" && process.stderr.write(`[page ${n}] console: ${m.text()}\n`));
      page.on("pageerror", (e) => process.stderr.write(`[page ${n}] error: ${e.message}\n`));
      await page.goto(cmd.url);
      pages.set(n, page);
      return { page: n };
    }
    case "eval":
      return { value: await pageOf(cmd).evaluate(cmd.expr) };
    case "screenshot":
      await pageOf(cmd).screenshot({ path: cmd.path, fullPage: true });
      return {};
    case "close": {
      const page = pageOf(cmd);
      pages.delete(cmd.page);
      await page.context().close();
      return {};
    }
    default:
      throw new Error(`unknown op ${cmd.op}`);
  }
}

function pageOf(cmd) {
  const p = pages.get(cmd.page);
  if (!p) throw new Error(`no page ${cmd.page}`);
  return p;
}

send({ ready: true, version: browser.version() });
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  let cmd;
  try {
    cmd = JSON.parse(line);
    send({ id: cmd.id, ...(await run(cmd)) });
  } catch (err) {
    send({ id: cmd?.id ?? 0, error: String(err?.message ?? err) });
  }
}
await browser.close();
