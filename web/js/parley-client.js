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
};
/** The name of a code ("ROOM_AUTH_FAILED"), or its number as text. */
export function errorName(code) {
    for (const [name, value] of Object.entries(ErrorCode)) {
        if (value === code)
            return name;
    }
    return String(code);
}
/** A failed request or handshake, with the Parley code the server sent. */
export class ParleyError extends Error {
    constructor(code, message) {
        super(`${errorName(code)}: ${message}`);
        this.code = code;
        this.name = "ParleyError";
    }
}
/** update_type of user_update and stream_update. */
export const UpdateType = { ADD: 0, DELETE: 1 };
/** A publisher's camera or microphone state (stream_state). */
export const DeviceState = { OPEN: 0, DISABLED: 9, MUTED: 10 };
const GATHER_TIMEOUT_MS = 5000;
/** One signaling connection: log in to rooms, publish and play streams. */
export class ParleyClient {
    constructor(ws, opts) {
        this.ws = ws;
        this.opts = opts;
        /** The session ID the server gave at auth. */
        this.sessionID = "";
        this.publications = new Map();
        this.plays = new Map();
        this.nextID = 1;
        this.pending = new Map();
        this.closed = false;
    }
    /** Opens the websocket and authenticates: hello, challenge, auth with the token. */
    static async connect(opts) {
        const ws = new WebSocket(opts.url);
        const c = new ParleyClient(ws, opts);
        await new Promise((resolve, reject) => {
            ws.onopen = () => resolve();
            ws.onerror = () => reject(new ParleyError(ErrorCode.ROOM_NETWORK, `cannot connect to ${opts.url}`));
        });
        ws.onerror = null;
        ws.onmessage = (m) => c.receive(m.data);
        ws.onclose = (ev) => c.onClose(ev.code, ev.reason);
        try {
            await c.request("hello", { version: PROTOCOL_VERSION, app_id: opts.appID, sdk: SDK });
            const ok = (await c.request("auth", { token: opts.token }));
            c.sessionID = ok.session_id;
        }
        catch (err) {
            c.close();
            throw err;
        }
        return c;
    }
    /** Logs in to a room; the answer lists its other users and its streams. */
    async login(roomID, userID, o = {}) {
        const ok = (await this.request("login", {
            room_id: roomID,
            user_id: userID,
            user_name: o.userName || undefined,
            user_status_notify: o.userStatusNotify ?? true,
            max_member_count: o.maxMemberCount || undefined,
            token: o.token || undefined,
        }));
        return { users: ok?.users ?? [], streams: ok?.streams ?? [] };
    }
    /** Leaves a room; the server ends this client's streams in it. */
    async logout(roomID) {
        await this.request("logout", { room_id: roomID });
        for (const p of [...this.publications.values()]) {
            if (p.roomID === roomID)
                this.dropPublication(p.streamID);
        }
    }
    /** Replaces the token a room was logged in with, before it expires. */
    async renewToken(roomID, token) {
        await this.request("renew_token", { room_id: roomID, token });
    }
    /**
     * Publishes media's first video and first audio track as streamID: a
     * sendonly offer with all candidates gathered (non-trickle), the server's
     * answer, then media flows.
     */
    async publish(roomID, streamID, media, o = {}) {
        const pc = new RTCPeerConnection(this.opts.rtcConfig);
        try {
            const video = media.getVideoTracks()[0];
            const audio = media.getAudioTracks()[0];
            if (video) {
                const t = pc.addTransceiver(video, { direction: "sendonly", streams: [media] });
                preferCodec(t, o.videoCodec ?? "VP8");
            }
            if (audio)
                pc.addTransceiver(audio, { direction: "sendonly", streams: [media] });
            const offer = await gatheredOffer(pc);
            const ans = (await this.request("publish", {
                room_id: roomID,
                stream_id: streamID,
                extra_info: o.extraInfo || undefined,
                sdp: offer,
            }));
            await pc.setRemoteDescription({ type: "answer", sdp: ans.sdp });
        }
        catch (err) {
            pc.close();
            throw err;
        }
        const p = { roomID, streamID, pc, media };
        this.publications.set(streamID, p);
        return p;
    }
    /** Ends a published stream. The PeerConnection closes once the server has ended it. */
    async unpublish(streamID) {
        try {
            await this.request("unpublish", { stream_id: streamID });
        }
        finally {
            this.dropPublication(streamID);
        }
    }
    /** Announces the publisher's camera and microphone state to the room. */
    async setStreamState(streamID, video, audio) {
        await this.request("stream_state", { stream_id: streamID, video_state: video, audio_state: audio });
    }
    /**
     * Plays a stream of the app (any room): a recvonly offer for video and
     * audio, the server's answer; play.stream carries the remote tracks. A
     * stream nobody publishes fails with PLAY_STREAM_NOT_FOUND: play again on
     * its stream_update ADD.
     */
    async play(streamID) {
        this.dropPlay(streamID); // the server replaces an earlier play of the same stream
        const pc = new RTCPeerConnection(this.opts.rtcConfig);
        const stream = new MediaStream();
        try {
            for (const kind of ["video", "audio"]) {
                stream.addTrack(pc.addTransceiver(kind, { direction: "recvonly" }).receiver.track);
            }
            const offer = await gatheredOffer(pc);
            const ans = (await this.request("play", { stream_id: streamID, sdp: offer }));
            await pc.setRemoteDescription({ type: "answer", sdp: ans.sdp });
        }
        catch (err) {
            pc.close();
            throw err;
        }
        const p = { streamID, pc, stream };
        this.plays.set(streamID, p);
        return p;
    }
    /** Stops playing a stream. The PeerConnection closes once the server has stopped it. */
    async stopPlay(streamID) {
        try {
            await this.request("stop_play", { stream_id: streamID });
        }
        finally {
            this.dropPlay(streamID);
        }
    }
    /** Closes the websocket and every PeerConnection; the server ends the session. */
    close() {
        if (!this.closed && this.ws.readyState <= WebSocket.OPEN)
            this.ws.close(1000);
        this.onClose(1000, "closed by the client");
    }
    /** Sends a request and resolves with the response's data, or rejects with a ParleyError. */
    request(type, data) {
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
    timeout() {
        return this.opts.timeoutMs ?? 10000;
    }
    receive(raw) {
        let env;
        try {
            env = JSON.parse(String(raw));
        }
        catch {
            return; // the server sends JSON only
        }
        const p = env.id ? this.pending.get(env.id) : undefined;
        if (p) {
            this.pending.delete(env.id);
            clearTimeout(p.timer);
            if (env.type === "error") {
                const e = env.data;
                p.reject(new ParleyError(e.code, e.message));
            }
            else {
                p.resolve(env.data); // response, or the challenge answering hello
            }
            return;
        }
        const ev = { type: env.type, data: env.data ?? {} };
        // The server has closed its side of these already.
        if (ev.type === "play_stopped")
            this.dropPlay(ev.data.stream_id);
        if (ev.type === "publish_stopped")
            this.dropPublication(ev.data.stream_id);
        if (ev.type === "kicked") {
            for (const p of [...this.publications.values()]) {
                if (p.roomID === ev.data.room_id)
                    this.dropPublication(p.streamID);
            }
        }
        this.emit(ev);
    }
    emit(ev) {
        try {
            this.opts.onEvent?.(ev);
        }
        catch (err) {
            console.error("parley: event handler threw", err);
        }
    }
    onClose(code, reason) {
        if (this.closed)
            return;
        this.closed = true;
        for (const [, p] of this.pending) {
            clearTimeout(p.timer);
            p.reject(new ParleyError(ErrorCode.ROOM_NETWORK, `connection closed (${code})`));
        }
        this.pending.clear();
        for (const id of [...this.publications.keys()])
            this.dropPublication(id);
        for (const id of [...this.plays.keys()])
            this.dropPlay(id);
        this.emit({ type: "disconnected", data: { code, reason } });
    }
    dropPublication(streamID) {
        this.publications.get(streamID)?.pc.close();
        this.publications.delete(streamID);
    }
    dropPlay(streamID) {
        this.plays.get(streamID)?.pc.close();
        this.plays.delete(streamID);
    }
}
/**
 * Offers only the chosen video codec, as the engine does, so the server
 * forwards what the encoder makes; H.264 as Constrained Baseline in
 * packetization mode 1, the profile the server and the engine register.
 */
function preferCodec(t, codec) {
    const caps = RTCRtpSender.getCapabilities?.("video")?.codecs;
    if (!caps || !t.setCodecPreferences)
        return; // the browser's default order: VP8 first everywhere
    const want = caps.filter((c) => {
        if (c.mimeType.toLowerCase() !== `video/${codec.toLowerCase()}`)
            return false;
        if (codec !== "H264")
            return true;
        const fmtp = c.sdpFmtpLine ?? "";
        return /packetization-mode=1/.test(fmtp) && /profile-level-id=42e0/i.test(fmtp);
    });
    if (want.length === 0) {
        throw new ParleyError(ErrorCode.CODEC_UNSUPPORTED, `this browser cannot send ${codec}`);
    }
    t.setCodecPreferences(want);
}
/** Creates an offer and waits until ICE gathering is complete (non-trickle). */
async function gatheredOffer(pc) {
    await pc.setLocalDescription(await pc.createOffer());
    if (pc.iceGatheringState !== "complete") {
        await new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new ParleyError(ErrorCode.INTERNAL, "ICE gathering timed out")), GATHER_TIMEOUT_MS);
            pc.addEventListener("icegatheringstatechange", () => {
                if (pc.iceGatheringState === "complete") {
                    clearTimeout(timer);
                    resolve();
                }
            });
        });
    }
    return pc.localDescription.sdp;
}
