// The debug page served by parleyd at /: log in to a room with a token,
// publish the camera and microphone, play the room's streams, and watch the
// events and getStats figures. Everything goes through parley-client.ts,
// the same protocol the engine speaks.
//
// Automation (docs/web.md): URL parameters fill the fields and autostart=1
// logs in, publishes and plays at once; window.parley exposes the event log,
// the latest stats, the room's users and streams, and the page's actions.

import {
  ErrorCode,
  ParleyClient,
  ParleyError,
  UpdateType,
  errorName,
  type ParleyEvent,
  type Play,
  type Stream,
  type User,
  type VideoCodec,
} from "./parley-client.js";
import { grabVideo, type Grab } from "./grab.js";

/** One line of the event log: its type, ms since the page loaded, and details. */
export interface LogEntry {
  type: string;
  time: number;
  [detail: string]: unknown;
}

/** The latest getStats figures of one published or played stream. */
export interface StreamStats {
  direction: "publish" | "play";
  codec: string;
  width: number;
  height: number;
  fps: number;
  kbps: number;
  rtt: number; // ms
  loss: number; // percent
  framesDecoded: number;
  framesEncoded: number;
  audioLevel: number; // 0..1
}

/** window.parley: the page's state and actions, for tests and the console. */
export interface ParleyPage {
  events: LogEntry[];
  stats: Record<string, StreamStats>;
  state: "signed out" | "connecting" | "logged in";
  users: User[];
  streams: Stream[];
  publishing: string;
  client: ParleyClient | null;
  login(): Promise<void>;
  logout(): Promise<void>;
  publish(streamID?: string, codec?: VideoCodec): Promise<void>;
  unpublish(): Promise<void>;
  play(streamID: string): Promise<void>;
  stopPlay(streamID: string): Promise<void>;
  grab(streamID: string): Grab | null;
}

declare global {
  interface Window {
    parley: ParleyPage;
  }
}

const params = new URLSearchParams(location.search);
const t0 = performance.now();

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`page element #${id} missing`);
  return e as T;
}

const field = (id: string) => el<HTMLInputElement>(id);

let client: ParleyClient | null = null;
let roomID = "";
let localMedia: MediaStream | null = null;
let renewTimer: ReturnType<typeof setTimeout> | undefined;
const users = new Map<string, User>();
const streams = new Map<string, Stream>();
/** Streams the user asked to play: played again when they (re)appear. */
const wanted = new Set<string>();
const videos = new Map<string, HTMLVideoElement>();
/** Plays whose request is under way: a stream_update ADD must not start a second one. */
const starting = new Set<string>();

const page: ParleyPage = {
  events: [],
  stats: {},
  state: "signed out",
  users: [],
  streams: [],
  publishing: "",
  client: null,
  login,
  logout,
  publish,
  unpublish,
  play: startPlay,
  stopPlay,
  grab,
};
window.parley = page;

// ---- the event log

function log(type: string, details: Record<string, unknown> = {}, isError = false): void {
  const entry: LogEntry = { type, time: Math.round(performance.now() - t0), ...details };
  page.events.push(entry);
  const li = document.createElement("li");
  if (isError) li.className = "error";
  const { type: _t, time: _m, ...rest } = entry;
  li.textContent = `${(entry.time / 1000).toFixed(3)}s ${type} ${JSON.stringify(rest)}`;
  const ol = el<HTMLOListElement>("log");
  ol.append(li);
  ol.scrollTop = ol.scrollHeight;
}

function logError(op: string, err: unknown): void {
  if (err instanceof ParleyError) {
    log("error", { op, code: err.code, name: errorName(err.code), message: err.message }, true);
  } else {
    log("error", { op, message: err instanceof Error ? err.message : String(err) }, true);
  }
}

// ---- state shown on the page

function setState(s: ParleyPage["state"]): void {
  page.state = s;
  const badge = el("state");
  badge.textContent = s;
  badge.classList.toggle("on", s === "logged in");
  const inRoom = s === "logged in";
  el<HTMLButtonElement>("login").disabled = s !== "signed out";
  el<HTMLButtonElement>("logout").disabled = s === "signed out";
  el<HTMLButtonElement>("publish").disabled = !inRoom || page.publishing !== "";
  el<HTMLButtonElement>("unpublish").disabled = !inRoom || page.publishing === "";
}

function renderRoom(): void {
  page.users = [...users.values()];
  page.streams = [...streams.values()];
  const ul = el<HTMLUListElement>("users");
  ul.replaceChildren(...listItems(page.users, (u) => [text(`${u.user_id}${u.user_name ? ` (${u.user_name})` : ""}`)]));
  const sl = el<HTMLUListElement>("streams");
  sl.replaceChildren(
    ...listItems(page.streams, (s) => {
      const playing = client?.plays.has(s.stream_id) ?? false;
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = playing ? "Stop" : "Play";
      b.addEventListener("click", () => void (playing ? stopPlay(s.stream_id) : startPlay(s.stream_id)));
      return [b, text(`${s.stream_id} — ${s.user_id}`)];
    }),
  );
}

function listItems<T>(items: T[], render: (item: T) => Node[]): HTMLLIElement[] {
  if (items.length === 0) {
    const li = document.createElement("li");
    li.className = "empty";
    li.textContent = "none";
    return [li];
  }
  return items.map((item) => {
    const li = document.createElement("li");
    li.append(...render(item));
    return li;
  });
}

const text = (s: string) => document.createTextNode(s);

// ---- log in and out

async function login(): Promise<void> {
  if (page.state !== "signed out") return;
  const server = field("server").value.trim();
  const appID = Number(field("appID").value);
  const userID = field("userID").value.trim();
  roomID = field("roomID").value.trim();
  setState("connecting");
  log("connecting", { server, app_id: appID, room_id: roomID, user_id: userID });
  try {
    let token = field("token").value.trim();
    let expiresAt = 0;
    if (!token) {
      ({ token, expiresAt } = await devToken(server, appID, userID, roomID));
      log("dev_token", { expires_at: expiresAt });
    }
    client = await ParleyClient.connect({ url: server, appID, token, onEvent });
    page.client = client;
    log("connected", { session_id: client.sessionID });
    const ok = await client.login(roomID, userID, { userName: field("userName").value.trim() });
    users.clear();
    streams.clear();
    ok.users.forEach((u) => users.set(u.user_id, u));
    ok.streams.forEach((s) => streams.set(s.stream_id, s));
    log("logged_in", { room_id: roomID, users: ok.users.map((u) => u.user_id), streams: ok.streams.map((s) => s.stream_id) });
    setState("logged in");
    renderRoom();
    if (expiresAt) scheduleRenewal(server, appID, userID, expiresAt);
    for (const id of wanted) if (streams.has(id)) void startPlay(id);
  } catch (err) {
    logError("login", err);
    client?.close();
    reset();
  }
}

async function logout(): Promise<void> {
  const c = client;
  if (!c) return;
  try {
    await c.logout(roomID);
    log("logged_out", { room_id: roomID });
  } catch (err) {
    logError("logout", err);
  }
  c.close();
}

/** Forgets the room and the media after a logout, a kick or a lost connection. */
function reset(): void {
  clearTimeout(renewTimer);
  client = null;
  page.client = null;
  page.publishing = "";
  users.clear();
  streams.clear();
  for (const id of [...videos.keys()]) removeVideo(id);
  page.stats = {};
  stopLocalMedia();
  setState("signed out");
  renderRoom();
}

/** A development token from parleyd --dev (GET /dev/token on the server's HTTP side). */
async function devToken(server: string, appID: number, userID: string, room: string): Promise<{ token: string; expiresAt: number }> {
  const base = new URL(server.replace(/^ws/, "http"));
  const url = new URL("/dev/token", base);
  url.search = new URLSearchParams({ app_id: String(appID), user_id: userID, room_id: room }).toString();
  const resp = await fetch(url);
  if (resp.status === 404) {
    throw new Error("no token given, and this server hands out no development tokens (only parleyd --dev does)");
  }
  const body = (await resp.json()) as { token?: string; expires_at?: number; code?: number; message?: string };
  if (!resp.ok || !body.token) throw new ParleyError(body.code ?? ErrorCode.ROOM_AUTH_FAILED, body.message ?? resp.statusText);
  return { token: body.token, expiresAt: body.expires_at ?? 0 };
}

/** Development tokens last minutes: fetch the next one a minute before. */
function scheduleRenewal(server: string, appID: number, userID: string, expiresAt: number): void {
  const ms = Math.max(expiresAt * 1000 - Date.now() - 60_000, 5_000);
  renewTimer = setTimeout(async () => {
    try {
      const next = await devToken(server, appID, userID, roomID);
      await client?.renewToken(roomID, next.token);
      log("token_renewed", { expires_at: next.expiresAt });
      scheduleRenewal(server, appID, userID, next.expiresAt);
    } catch (err) {
      logError("renew_token", err);
    }
  }, ms);
}

// ---- events from the server

function onEvent(ev: ParleyEvent): void {
  const isError = ev.type === "error" || ev.type === "kicked" || ("code" in ev.data && ev.data.code !== undefined && ev.type !== "disconnected");
  log(ev.type, { ...ev.data }, isError);
  switch (ev.type) {
    case "user_update":
      for (const u of ev.data.users) {
        if (ev.data.update_type === UpdateType.ADD) users.set(u.user_id, u);
        else users.delete(u.user_id);
      }
      renderRoom();
      break;
    case "stream_update":
      for (const s of ev.data.streams) {
        if (ev.data.update_type === UpdateType.ADD) {
          streams.set(s.stream_id, s);
          if (wanted.has(s.stream_id) && !client?.plays.has(s.stream_id)) void startPlay(s.stream_id);
        } else {
          streams.delete(s.stream_id);
        }
      }
      renderRoom();
      break;
    case "play_stopped":
      removeVideo(ev.data.stream_id);
      renderRoom();
      // Its own media connection failed: try again while the stream is listed.
      if (ev.data.code === ErrorCode.PLAY_NETWORK && streams.has(ev.data.stream_id)) {
        setTimeout(() => wanted.has(ev.data.stream_id) && void startPlay(ev.data.stream_id), 1000);
      }
      break;
    case "publish_stopped":
      page.publishing = "";
      delete page.stats[ev.data.stream_id];
      stopLocalMedia();
      setState(page.state);
      break;
    case "kicked":
      client?.close();
      break;
    case "disconnected":
      reset();
      break;
  }
}

// ---- publish

async function publish(streamID?: string, codec?: VideoCodec): Promise<void> {
  const c = client;
  if (!c || page.publishing) return;
  const id = streamID ?? field("streamID").value.trim();
  const vc = codec ?? (el<HTMLSelectElement>("codec").value as VideoCodec);
  field("streamID").value = id;
  el<HTMLSelectElement>("codec").value = vc;
  try {
    localMedia ??= await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: 640 }, height: { ideal: 360 } },
      audio: true,
    });
    const preview = el<HTMLVideoElement>("preview");
    preview.srcObject = localMedia;
    preview.hidden = false;
    void preview.play().catch(() => undefined);
    page.publishing = id;
    setState(page.state);
    await c.publish(roomID, id, localMedia, { videoCodec: vc });
    log("publishing", { stream_id: id, codec: vc });
  } catch (err) {
    page.publishing = "";
    setState(page.state);
    logError("publish", err);
  }
}

async function unpublish(): Promise<void> {
  const id = page.publishing;
  if (!client || !id) return;
  page.publishing = "";
  try {
    await client.unpublish(id);
    log("unpublished", { stream_id: id });
  } catch (err) {
    logError("unpublish", err);
  }
  delete page.stats[id];
  stopLocalMedia();
  setState(page.state);
}

function stopLocalMedia(): void {
  localMedia?.getTracks().forEach((t) => t.stop());
  localMedia = null;
  const preview = el<HTMLVideoElement>("preview");
  preview.srcObject = null;
  preview.hidden = true;
}

// ---- play

async function startPlay(streamID: string): Promise<void> {
  wanted.add(streamID);
  const c = client;
  if (!c || page.state !== "logged in" || starting.has(streamID)) return;
  let p: Play;
  starting.add(streamID);
  try {
    p = await c.play(streamID);
  } catch (err) {
    if (err instanceof ParleyError && err.code === ErrorCode.PLAY_STREAM_NOT_FOUND) {
      log("play_waiting", { stream_id: streamID }); // played when its stream_update ADD comes
    } else {
      logError("play", err);
    }
    return;
  } finally {
    starting.delete(streamID);
  }
  log("playing", { stream_id: streamID });
  showVideo(p);
  renderRoom();
}

async function stopPlay(streamID: string): Promise<void> {
  wanted.delete(streamID);
  removeVideo(streamID);
  try {
    await client?.stopPlay(streamID);
    log("play_stopped_by_user", { stream_id: streamID });
  } catch (err) {
    logError("stop_play", err);
  }
  delete page.stats[streamID]; // a sample may have landed while the request was out
  renderRoom();
}

function showVideo(p: Play): void {
  removeVideo(p.streamID);
  const fig = document.createElement("figure");
  const video = document.createElement("video");
  video.className = "video";
  video.playsInline = true;
  video.autoplay = true;
  video.srcObject = p.stream;
  video.dataset.stream = p.streamID;
  let first = true;
  video.addEventListener("resize", () => {
    if (first) log("first_frame", { stream_id: p.streamID, width: video.videoWidth, height: video.videoHeight });
    else log("video_size", { stream_id: p.streamID, width: video.videoWidth, height: video.videoHeight });
    first = false;
  });
  const cap = document.createElement("figcaption");
  cap.textContent = p.streamID;
  fig.append(video, cap);
  el("plays").append(fig);
  videos.set(p.streamID, video);
  // Sound needs a user's click on most browsers; without one, play muted.
  video.play().catch(() => {
    video.muted = true;
    log("muted_by_autoplay_policy", { stream_id: p.streamID });
    video.addEventListener("click", () => (video.muted = false), { once: true });
    return video.play().catch(() => undefined);
  });
}

function removeVideo(streamID: string): void {
  const v = videos.get(streamID);
  if (!v) return;
  v.srcObject = null;
  v.parentElement?.remove();
  videos.delete(streamID);
  delete page.stats[streamID];
}

function grab(streamID: string): Grab | null {
  const v = streamID === page.publishing ? el<HTMLVideoElement>("preview") : videos.get(streamID);
  return v ? grabVideo(v) : null;
}

// ---- stats

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Report = Record<string, any>;

interface Totals {
  at: number;
  bytes: number;
  lost: number;
  received: number;
}
const lastTotals = new Map<string, Totals>();

async function sample(streamID: string, pc: RTCPeerConnection, direction: StreamStats["direction"]): Promise<StreamStats> {
  const report = await pc.getStats();
  const s: StreamStats = { direction, codec: "", width: 0, height: 0, fps: 0, kbps: 0, rtt: 0, loss: 0, framesDecoded: 0, framesEncoded: 0, audioLevel: 0 };
  const now: Totals = { at: performance.now(), bytes: 0, lost: 0, received: 0 };
  const codecs = new Map<string, string>();
  let pairRTT = 0;
  let remoteLoss = 0;
  report.forEach((r: Report) => r.type === "codec" && codecs.set(r.id, r.mimeType));
  report.forEach((r: Report) => {
    const video = r.kind === "video";
    if (video && (r.type === "inbound-rtp" || r.type === "outbound-rtp")) {
      s.codec = codecs.get(r.codecId) ?? "";
      s.width = r.frameWidth ?? 0;
      s.height = r.frameHeight ?? 0;
      s.fps = r.framesPerSecond ?? 0;
    }
    switch (r.type) {
      case "inbound-rtp":
        now.bytes += r.bytesReceived ?? 0;
        now.lost += Math.max(r.packetsLost ?? 0, 0);
        now.received += r.packetsReceived ?? 0;
        if (video) s.framesDecoded = r.framesDecoded ?? 0;
        else s.audioLevel = r.audioLevel ?? 0;
        break;
      case "outbound-rtp":
        now.bytes += r.bytesSent ?? 0;
        if (video) s.framesEncoded = r.framesEncoded ?? 0;
        break;
      case "remote-inbound-rtp":
        if (r.roundTripTime !== undefined) s.rtt = r.roundTripTime * 1000;
        remoteLoss = Math.max(remoteLoss, (r.fractionLost ?? 0) * 100);
        break;
      case "media-source":
        if (!video && r.audioLevel !== undefined) s.audioLevel = r.audioLevel;
        break;
      case "candidate-pair":
        if (r.nominated && r.state === "succeeded" && r.currentRoundTripTime !== undefined) pairRTT = r.currentRoundTripTime * 1000;
        break;
    }
  });
  if (!s.rtt) s.rtt = pairRTT;
  const prev = lastTotals.get(streamID + direction);
  if (prev && now.at > prev.at) {
    s.kbps = ((now.bytes - prev.bytes) * 8) / (now.at - prev.at);
    const lost = now.lost - prev.lost;
    const total = lost + now.received - prev.received;
    s.loss = direction === "play" ? (total > 0 ? (100 * lost) / total : 0) : remoteLoss;
  }
  lastTotals.set(streamID + direction, now);
  return s;
}

async function updateStats(): Promise<void> {
  const c = client;
  if (!c) return;
  const jobs: Promise<void>[] = [];
  for (const p of c.publications.values()) {
    jobs.push(sample(p.streamID, p.pc, "publish").then((s) => void (page.stats[p.streamID] = s)));
  }
  for (const p of c.plays.values()) {
    jobs.push(sample(p.streamID, p.pc, "play").then((s) => void (page.stats[p.streamID] = s)));
  }
  await Promise.allSettled(jobs);
  const rows = Object.entries(page.stats).map(([id, s]) => {
    const tr = document.createElement("tr");
    const cells = [id, s.direction, s.codec.replace(/^video\//, ""), s.width ? `${s.width}×${s.height}` : "—", s.fps.toFixed(0),
      s.kbps.toFixed(0), s.rtt.toFixed(0), s.loss.toFixed(1), s.audioLevel.toFixed(3)];
    for (const v of cells) {
      const td = document.createElement("td");
      td.textContent = v;
      tr.append(td);
    }
    return tr;
  });
  el("stats").querySelector("tbody")?.replaceChildren(...rows);
}

// ---- start

function init(): void {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const defaults: Record<string, string> = {
    server: `${scheme}//${location.host}/ws`,
    appID: "1",
    roomID: "lobby",
    userID: `web-${Math.floor(Math.random() * 9000 + 1000)}`,
    userName: "",
    token: "",
  };
  for (const [id, def] of Object.entries(defaults)) field(id).value = params.get(id) ?? def;
  field("streamID").value = params.get("publish") ?? `${field("userID").value}-cam`;
  const codec = params.get("codec");
  if (codec === "VP8" || codec === "H264") el<HTMLSelectElement>("codec").value = codec;

  el<HTMLFormElement>("login-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void login();
  });
  el("logout").addEventListener("click", () => void logout());
  el("publish").addEventListener("click", () => void publish());
  el("unpublish").addEventListener("click", () => void unpublish());
  setInterval(() => void updateStats(), 1000);
  setState("signed out");
  renderRoom();
  log("page_loaded", { version: 1 });

  if (params.get("autostart") === "1") void autostart();
}

async function autostart(): Promise<void> {
  await login();
  if (page.state !== "logged in") return;
  const pub = params.get("publish");
  if (pub) await publish(pub);
  for (const id of params.getAll("play").flatMap((p) => p.split(","))) {
    if (id) await startPlay(id);
  }
}

init();
