// Parley's signaling client for browsers: the protocol of docs/protocol.md
// (version 1) over one websocket, and one RTCPeerConnection per published
// or played stream, as the native engine does. Browsers authenticate with a
// room token (they do not hold the app sign). No dependencies; reuse it in
// any page:
//
//   const client = await ParleyClient.connect({ url: "ws://127.0.0.1:7880", appID: 1, token,
//     onEvent: (ev) => console.log(ev.type, ev.data) });
//   const { users, streams } = await client.login("lobby", "alice");
//   await client.publish("lobby", "alice-cam", await navigator.mediaDevices.getUserMedia({ video: true, audio: true }));
//   const play = await client.play("bob-cam");   // play.stream is a MediaStream for a <video>
//   await client.logout("lobby");
//   client.close();

/** The protocol version this client speaks. */
export const PROTOCOL_VERSION = 1;

/** What the client calls itself in hello. */
export const SDK = "parley-web/0.1";

/**
 * Parley's error codes: the numbers of include/parley.h without the
 * PARLEY_ERR_ prefix (web/codes_test.go keeps them in line with the server).
 */
export const ErrorCode = {
  ENGINE_NOT_CREATED: 1000001,
  INVALID_ARGUMENT: 1000002,
  INVALID_HANDLE: 1000003,
  INVALID_STRUCT_SIZE: 1000004,
  INVALID_APP_SIGN: 1000005,
  INVALID_ROOM_ID: 1000006,
  INVALID_USER_ID: 1000007,
  INVALID_STREAM_ID: 1000008,
  NOT_LOGGED_IN: 1000009,
  INTERNAL: 1000010,
  BUFFER_TOO_SMALL: 1000011,
  INVALID_USER_NAME: 1000012,
  VIEW_IN_USE: 1000013,
  PROTOCOL: 1000014,
  INVALID_CHANNEL: 1000015,
  INVALID_EXTRA_INFO: 1000016,
  ENGINE_DESTROYED: 1000017,
  INVALID_SERVER_URL: 1000018,
  UNSUPPORTED_VERSION: 1000019,
  MESSAGE_TOO_LARGE: 1000020,
  RATE_LIMITED: 1000021,
  ROOM_COUNT_EXCEEDED: 1002001,
  ROOM_ALREADY_LOGGED_IN: 1002002,
  ROOM_USER_ID_MISMATCH: 1002003,
  ROOM_NETWORK: 1002030,
  ROOM_AUTH_FAILED: 1002033,
  ROOM_USER_LIMIT: 1002034,
  LOGIN_RATE_LIMITED: 1002035,
  CONNECTION_LIMIT: 1002036,
  ROOM_KICKED_OUT: 1002050,
  ROOM_TOKEN_INVALID: 1002067,
  ROOM_TOKEN_EXPIRED: 1002078,
  PUBLISH_ALREADY_PUBLISHING: 1003002,
  PUBLISH_NO_PRIVILEGE: 1003023,
  PUBLISH_NETWORK: 1003025,
  PUBLISH_STREAM_ID_IN_USE: 1003028,
  PUBLISH_STREAM_LIMIT: 1003030,
  PUBLISH_SDP_INVALID: 1003040,
  PLAY_NO_PRIVILEGE: 1004023,
  PLAY_STREAM_NOT_FOUND: 1004025,
  PLAY_NETWORK: 1004030,
  PLAY_SDP_INVALID: 1004040,
  DEVICE_NOT_FOUND: 1005001,
  CODEC_UNSUPPORTED: 1005002,
  CUSTOM_CAPTURE_NOT_ENABLED: 1005003,
  SERVER_LISTEN_FAILED: 1006001,
  SERVER_CONFIG_INVALID: 1006002,
} as const;

/** The name of a code ("ROOM_AUTH_FAILED"), or its number as text. */
export function errorName(code: number): string {
  for (const [name, value] of Object.entries(ErrorCode)) {
    if (value === code) return name;
  }
  return String(code);
}

/** A failed request or handshake, with the Parley code the server sent. */
export class ParleyError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(`${errorName(code)}: ${message}`);
    this.name = "ParleyError";
  }
}

/** update_type of user_update and stream_update. */
export const UpdateType = { ADD: 0, DELETE: 1 } as const;

/** A publisher's camera or microphone state (stream_state). */
export const DeviceState = { OPEN: 0, DISABLED: 9, MUTED: 10 } as const;
export type DeviceStateValue = (typeof DeviceState)[keyof typeof DeviceState];

export interface User {
  user_id: string;
  user_name?: string;
}

export interface Stream {
  user_id: string;
  user_name?: string;
  stream_id: string;
  extra_info?: string;
  video_state?: number;
  audio_state?: number;
}

/** The answer to login: the room's other users and every stream in it. */
export interface LoginOK {
  users: User[];
  streams: Stream[];
}

/**
 * What the server sends unasked, as it sends it (docs/protocol.md, Events),
 * plus two of the client's own: "error" for an error the server sent with
 * no request ID, and "disconnected" when the websocket closed.
 */
export type ParleyEvent =
  | { type: "user_update"; data: { room_id: string; update_type: number; users: User[] } }
  | { type: "stream_update"; data: { room_id: string; update_type: number; streams: Stream[] } }
  | { type: "kicked"; data: { room_id: string; code: number; message?: string } }
  | { type: "play_stopped"; data: { stream_id: string; code?: number } }
  | { type: "publish_stopped"; data: { stream_id: string; code: number } }
  | {
      type: "stream_state_update";
      data: { room_id: string; stream_id: string; user_id: string; video_state?: number; audio_state?: number };
    }
  | { type: "error"; data: { code: number; message: string } }
  | { type: "disconnected"; data: { code: number; reason: string } };

/** Video codecs a stream can be published with. */
export type VideoCodec = "VP8" | "H264";

export interface ConnectOptions {
  /** ws://host:port or wss://host:port (the server also answers at /ws). */
  url: string;
  appID: number;
  /** A room token for this app (server/token, parleyd token, or /dev/token of parleyd --dev). */
  token: string;
  /** Called for every event, in the order the server sent them. */
  onEvent?: (ev: ParleyEvent) => void;
  /** For the PeerConnections; the server needs no STUN or TURN on a LAN. */
  rtcConfig?: RTCConfiguration;
  /** How long a request may wait for its answer (default 10 s). */
  timeoutMs?: number;
}

export interface LoginOptions {
  userName?: string;
  /** Get user_update events for the room (default true). */
  userStatusNotify?: boolean;
  maxMemberCount?: number;
  /** A token for this room instead of the one the connection authenticated with. */
  token?: string;
}

export interface PublishOptions {
  /** Default VP8, as the engine. */
  videoCodec?: VideoCodec;
  extraInfo?: string;
}

/** A stream this client publishes. */
export interface Publication {
  readonly roomID: string;
  readonly streamID: string;
  readonly pc: RTCPeerConnection;
  readonly media: MediaStream;
}

/** A stream this client plays: attach stream to a <video> element. */
export interface Play {
  readonly streamID: string;
  readonly pc: RTCPeerConnection;
  readonly stream: MediaStream;
}

interface Envelope {
  type: string;
  id?: number;
  data?: unknown;
}

interface Pending {
  resolve: (data: unknown) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

const GATHER_TIMEOUT_MS = 5000;

/** One signaling connection: log in to rooms, publish and play streams. */
export class ParleyClient {
  /** The session ID the server gave at auth. */
  sessionID = "";
  readonly publications = new Map<string, Publication>();
  readonly plays = new Map<string, Play>();

  private nextID = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  private constructor(
    private readonly ws: WebSocket,
    private readonly opts: ConnectOptions,
  ) {}

  /** Opens the websocket and authenticates: hello, challenge, auth with the token. */
  static async connect(opts: ConnectOptions): Promise<ParleyClient> {
    const ws = new WebSocket(opts.url);
    const c = new ParleyClient(ws, opts);
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new ParleyError(ErrorCode.ROOM_NETWORK, `cannot connect to ${opts.url}`));
    });
    ws.onerror = null;
    ws.onmessage = (m) => c.receive(m.data);
    ws.onclose = (ev) => c.onClose(ev.code, ev.reason);
    try {
      await c.request("hello", { version: PROTOCOL_VERSION, app_id: opts.appID, sdk: SDK });
      const ok = (await c.request("auth", { token: opts.token })) as { session_id: string };
      c.sessionID = ok.session_id;
    } catch (err) {
      c.close();
      throw err;
    }
    return c;
  }

  /** Logs in to a room; the answer lists its other users and its streams. */
  async login(roomID: string, userID: string, o: LoginOptions = {}): Promise<LoginOK> {
    const ok = (await this.request("login", {
      room_id: roomID,
      user_id: userID,
      user_name: o.userName || undefined,
      user_status_notify: o.userStatusNotify ?? true,
      max_member_count: o.maxMemberCount || undefined,
      token: o.token || undefined,
    })) as Partial<LoginOK> | undefined;
    return { users: ok?.users ?? [], streams: ok?.streams ?? [] };
  }

  /** Leaves a room; the server ends this client's streams in it. */
  async logout(roomID: string): Promise<void> {
    await this.request("logout", { room_id: roomID });
    for (const p of [...this.publications.values()]) {
      if (p.roomID === roomID) this.dropPublication(p.streamID);
    }
  }

  /** Replaces the token a room was logged in with, before it expires. */
  async renewToken(roomID: string, token: string): Promise<void> {
    await this.request("renew_token", { room_id: roomID, token });
  }

  /**
   * Publishes media's first video and first audio track as streamID: a
   * sendonly offer with all candidates gathered (non-trickle), the server's
   * answer, then media flows.
   */
  async publish(roomID: string, streamID: string, media: MediaStream, o: PublishOptions = {}): Promise<Publication> {
    const pc = new RTCPeerConnection(this.opts.rtcConfig);
    try {
      const video = media.getVideoTracks()[0];
      const audio = media.getAudioTracks()[0];
      if (video) {
        const t = pc.addTransceiver(video, { direction: "sendonly", streams: [media] });
        preferCodec(t, o.videoCodec ?? "VP8");
      }
      if (audio) pc.addTransceiver(audio, { direction: "sendonly", streams: [media] });
      const offer = await gatheredOffer(pc);
      const ans = (await this.request("publish", {
        room_id: roomID,
        stream_id: streamID,
        extra_info: o.extraInfo || undefined,
        sdp: offer,
      })) as { sdp: string };
      await pc.setRemoteDescription({ type: "answer", sdp: ans.sdp });
    } catch (err) {
      pc.close();
      throw err;
    }
    const p: Publication = { roomID, streamID, pc, media };
    this.publications.set(streamID, p);
    return p;
  }

  /** Ends a published stream. The PeerConnection closes once the server has ended it. */
  async unpublish(streamID: string): Promise<void> {
    try {
      await this.request("unpublish", { stream_id: streamID });
    } finally {
      this.dropPublication(streamID);
    }
  }

  /** Announces the publisher's camera and microphone state to the room. */
  async setStreamState(streamID: string, video: DeviceStateValue, audio: DeviceStateValue): Promise<void> {
    await this.request("stream_state", { stream_id: streamID, video_state: video, audio_state: audio });
  }

  /**
   * Plays a stream of the app (any room): a recvonly offer for video and
   * audio, the server's answer; play.stream carries the remote tracks. A
   * stream nobody publishes fails with PLAY_STREAM_NOT_FOUND: play again on
   * its stream_update ADD.
   */
  async play(streamID: string): Promise<Play> {
    this.dropPlay(streamID); // the server replaces an earlier play of the same stream
    const pc = new RTCPeerConnection(this.opts.rtcConfig);
    const stream = new MediaStream();
    try {
      for (const kind of ["video", "audio"]) {
        stream.addTrack(pc.addTransceiver(kind, { direction: "recvonly" }).receiver.track);
      }
      const offer = await gatheredOffer(pc);
      const ans = (await this.request("play", { stream_id: streamID, sdp: offer })) as { sdp: string };
      await pc.setRemoteDescription({ type: "answer", sdp: ans.sdp });
    } catch (err) {
      pc.close();
      throw err;
    }
    const p: Play = { streamID, pc, stream };
    this.plays.set(streamID, p);
    return p;
  }

  /** Stops playing a stream. The PeerConnection closes once the server has stopped it. */
  async stopPlay(streamID: string): Promise<void> {
    try {
      await this.request("stop_play", { stream_id: streamID });
    } finally {
      this.dropPlay(streamID);
    }
  }

  /** Closes the websocket and every PeerConnection; the server ends the session. */
  close(): void {
    if (!this.closed && this.ws.readyState <= WebSocket.OPEN) this.ws.close(1000);
    this.onClose(1000, "closed by the client");
  }

  /** Sends a request and resolves with the response's data, or rejects with a ParleyError. */
  request(type: string, data: unknown): Promise<unknown> {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(new ParleyError(ErrorCode.ROOM_NETWORK, "not connected"));
    }
    const id = this.nextID++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ParleyError(ErrorCode.ROOM_NETWORK, `no answer to ${type} within ${this.timeout()} ms`));
      }, this.timeout());
      this.pending.set(id, { resolve, reject, timer });
      this.ws.send(JSON.stringify({ type, id, data }));
    });
  }

  private timeout(): number {
    return this.opts.timeoutMs ?? 10000;
  }

  private receive(raw: unknown): void {
    let env: Envelope;
    try {
      env = JSON.parse(String(raw)) as Envelope;
    } catch {
      return; // the server sends JSON only
    }
    const p = env.id ? this.pending.get(env.id) : undefined;
    if (p) {
      this.pending.delete(env.id!);
      clearTimeout(p.timer);
      if (env.type === "error") {
        const e = env.data as { code: number; message: string };
        p.reject(new ParleyError(e.code, e.message));
      } else {
        p.resolve(env.data); // response, or the challenge answering hello
      }
      return;
    }
    const ev = { type: env.type, data: env.data ?? {} } as ParleyEvent;
    // The server has closed its side of these already.
    if (ev.type === "play_stopped") this.dropPlay(ev.data.stream_id);
    if (ev.type === "publish_stopped") this.dropPublication(ev.data.stream_id);
    if (ev.type === "kicked") {
      for (const p of [...this.publications.values()]) {
        if (p.roomID === ev.data.room_id) this.dropPublication(p.streamID);
      }
    }
    this.emit(ev);
  }

  private emit(ev: ParleyEvent): void {
    try {
      this.opts.onEvent?.(ev);
    } catch (err) {
      console.error("parley: event handler threw", err);
    }
  }

  private onClose(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new ParleyError(ErrorCode.ROOM_NETWORK, `connection closed (${code})`));
    }
    this.pending.clear();
    for (const id of [...this.publications.keys()]) this.dropPublication(id);
    for (const id of [...this.plays.keys()]) this.dropPlay(id);
    this.emit({ type: "disconnected", data: { code, reason } });
  }

  private dropPublication(streamID: string): void {
    this.publications.get(streamID)?.pc.close();
    this.publications.delete(streamID);
  }

  private dropPlay(streamID: string): void {
    this.plays.get(streamID)?.pc.close();
    this.plays.delete(streamID);
  }
}

/**
 * Offers only the chosen video codec, as the engine does, so the server
 * forwards what the encoder makes; H.264 as Constrained Baseline in
 * packetization mode 1, the profile the server and the engine register.
 */
function preferCodec(t: RTCRtpTransceiver, codec: VideoCodec): void {
  const caps = RTCRtpSender.getCapabilities?.("video")?.codecs;
  if (!caps || !t.setCodecPreferences) return; // the browser's default order: VP8 first everywhere
  const want = caps.filter((c) => {
    if (c.mimeType.toLowerCase() !== `video/${codec.toLowerCase()}`) return false;
    if (codec !== "H264") return true;
    const fmtp = c.sdpFmtpLine ?? "";
    return /packetization-mode=1/.test(fmtp) && /profile-level-id=42e0/i.test(fmtp);
  });
  if (want.length === 0) {
    throw new ParleyError(ErrorCode.CODEC_UNSUPPORTED, `this browser cannot send ${codec}`);
  }
  t.setCodecPreferences(want);
}

/** Creates an offer and waits until ICE gathering is complete (non-trickle). */
async function gatheredOffer(pc: RTCPeerConnection): Promise<string> {
  await pc.setLocalDescription(await pc.createOffer());
  if (pc.iceGatheringState !== "complete") {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new ParleyError(ErrorCode.INTERNAL, "ICE gathering timed out")), GATHER_TIMEOUT_MS);
      pc.addEventListener("icegatheringstatechange", () => {
        if (pc.iceGatheringState === "complete") {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }
  return pc.localDescription!.sdp;
}
