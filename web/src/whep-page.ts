// The WHEP player parleyd serves at /whep.html: plays one stream of a room
// through WHEP (whep-client.ts), with a room token, or on parleyd --dev a
// development token it fetches itself. It is the smallest standard player
// there is, and the browser side of the WHEP interop test.
//
// URL parameters fill the fields (room, stream, token, appID) and
// autostart=1 plays at once; window.whep exposes the state, the event log,
// the latest figures and the actions (docs/whip-whep.md).

import { grabVideo, type Grab } from "./grab.js";
import { WHEPError, WHEPSession } from "./whep-client.js";

/** One line of the event log: its type, ms since the page loaded, and details. */
interface LogEntry {
  type: string;
  time: number;
  [detail: string]: unknown;
}

/** The latest getStats figures of the played stream. */
interface PlayerStats {
  codec: string;
  width: number;
  height: number;
  fps: number;
  framesDecoded: number;
  audioLevel: number; // 0..1
}

/** window.whep: the page's state and actions, for tests and the console. */
interface WHEPPage {
  state: "stopped" | "starting" | "playing";
  events: LogEntry[];
  stats: PlayerStats;
  play(): Promise<void>;
  stop(): Promise<void>;
  /** The picture the player shows now (null before the first frame). */
  grab(): Grab | null;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const field = (id: string) => $<HTMLInputElement>(id);
const started = performance.now();
const video = $<HTMLVideoElement>("video");
let session: WHEPSession | null = null;
let statsTimer = 0;

const page: WHEPPage = {
  state: "stopped",
  events: [],
  stats: { codec: "", width: 0, height: 0, fps: 0, framesDecoded: 0, audioLevel: 0 },
  play,
  stop,
  grab: () => grabVideo(video),
};
(window as unknown as { whep: WHEPPage }).whep = page;

function log(type: string, details: Record<string, unknown> = {}): void {
  const entry: LogEntry = { type, time: Math.round(performance.now() - started), ...details };
  page.events.push(entry);
  const li = document.createElement("li");
  li.textContent = `${(entry.time / 1000).toFixed(3)} ${type} ${JSON.stringify(details)}`;
  $("log").prepend(li);
}

function setState(state: WHEPPage["state"]): void {
  page.state = state;
  $("state").textContent = state;
  $<HTMLButtonElement>("play").disabled = state !== "stopped";
  $<HTMLButtonElement>("stop").disabled = state === "stopped";
}

/** A development token from parleyd --dev, for a viewer of the room. */
async function devToken(appID: string, room: string): Promise<string> {
  const user = `whep-${Math.floor(Math.random() * 10000)}`;
  const resp = await fetch(`/dev/token?${new URLSearchParams({ app_id: appID, user_id: user, room_id: room })}`);
  const body = (await resp.json().catch(() => ({}))) as { token?: string; code?: number; message?: string };
  if (!resp.ok || !body.token) {
    throw new WHEPError(resp.status, body.code ?? 0, "no token given, and no development token from this server (only parleyd --dev hands them out)");
  }
  log("dev_token", { user_id: user });
  return body.token;
}

async function play(): Promise<void> {
  if (page.state !== "stopped") return;
  setState("starting");
  const room = field("room").value;
  const stream = field("stream").value;
  try {
    const token = field("token").value || (await devToken(field("appID").value, room));
    const endpoint = new URL(`/whep/${encodeURIComponent(room)}/${encodeURIComponent(stream)}`, location.href).toString();
    const media = new MediaStream();
    video.srcObject = media;
    session = await WHEPSession.play(endpoint, token, (ev) => {
      media.addTrack(ev.track);
      log("track", { kind: ev.track.kind });
    });
    session.pc.onconnectionstatechange = () => log("connection", { state: session?.pc.connectionState });
    video.onresize = () => log("video_size", { width: video.videoWidth, height: video.videoHeight });
    setState("playing");
    log("playing", { room, stream });
    statsTimer = window.setInterval(readStats, 500);
  } catch (err) {
    const e = err instanceof WHEPError ? err : new WHEPError(0, 0, String(err));
    log("error", { status: e.status, code: e.code, message: e.message });
    setState("stopped");
  }
}

async function stop(): Promise<void> {
  window.clearInterval(statsTimer);
  const s = session;
  session = null;
  if (s) {
    await s.stop().catch((err) => log("error", { op: "stop", message: String(err) }));
    log("stopped");
  }
  video.srcObject = null;
  setState("stopped");
}

async function readStats(): Promise<void> {
  if (!session) return;
  const report = await session.pc.getStats();
  const st = page.stats;
  report.forEach((r) => {
    if (r.type !== "inbound-rtp") return;
    if (r.kind === "video") {
      st.framesDecoded = r.framesDecoded ?? 0;
      st.width = r.frameWidth ?? 0;
      st.height = r.frameHeight ?? 0;
      st.fps = r.framesPerSecond ?? 0;
      st.codec = report.get(r.codecId)?.mimeType ?? "";
    } else if (r.kind === "audio") {
      st.audioLevel = r.audioLevel ?? 0;
    }
  });
  $("figures").textContent = `${st.codec} ${st.width}x${st.height} ${st.fps.toFixed(0)} fps, ${st.framesDecoded} frames decoded, audio level ${st.audioLevel.toFixed(3)}`;
}

const params = new URLSearchParams(location.search);
for (const id of ["room", "stream", "token", "appID"]) {
  const v = params.get(id);
  if (v !== null) field(id).value = v;
}
$("play").onclick = () => void play();
$("stop").onclick = () => void stop();
$<HTMLFormElement>("form").onsubmit = (ev) => ev.preventDefault();
setState("stopped");
log("page_loaded");
if (params.get("autostart") === "1") void play();
