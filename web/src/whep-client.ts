// A WHEP client (the IETF WHEP draft, with RFC 9725's rules for the session
// resource), no dependencies: POST a receive-only offer to an endpoint with
// a bearer token, apply the answer, send the ICE candidates to the session
// URL (Location) with PATCH as the browser finds them, DELETE it to stop.
// parleyd serves it at /js/whep-client.js; it speaks to any WHEP server.

/** A refused request: the HTTP status and, from parleyd, Parley's code. */
export class WHEPError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "WHEPError";
  }
}

async function refusal(resp: Response, what: string): Promise<WHEPError> {
  let code = 0;
  let message = `${what}: HTTP ${resp.status}`;
  try {
    const body = (await resp.json()) as { code?: number; message?: string };
    code = body.code ?? 0;
    if (body.message) message = `${what}: HTTP ${resp.status}: ${body.message}`;
  } catch {
    // not Parley's JSON error body
  }
  return new WHEPError(resp.status, code, message);
}

/** One WHEP session: the PeerConnection and its resource on the server. */
export class WHEPSession {
  private url = "";
  private etag = "";
  private queued: RTCIceCandidate[] = [];
  private ended = false;
  private sending: Promise<void> = Promise.resolve();

  private constructor(
    readonly pc: RTCPeerConnection,
    private readonly token: string,
  ) {}

  /**
   * Plays endpoint (https://host/whep/room/stream): video and audio,
   * receive only. onTrack gets each track as it arrives. Rejects with a
   * WHEPError when the server refuses.
   */
  static async play(endpoint: string, token: string, onTrack: (ev: RTCTrackEvent) => void): Promise<WHEPSession> {
    const pc = new RTCPeerConnection();
    const s = new WHEPSession(pc, token);
    pc.addTransceiver("video", { direction: "recvonly" });
    pc.addTransceiver("audio", { direction: "recvonly" });
    pc.ontrack = onTrack;
    pc.onicecandidate = (ev) => {
      if (ev.candidate && ev.candidate.candidate !== "") s.queued.push(ev.candidate);
      s.trickle();
    };
    try {
      await pc.setLocalDescription(await pc.createOffer());
      const resp = await fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/sdp", Authorization: `Bearer ${token}` },
        body: pc.localDescription!.sdp,
      });
      if (resp.status !== 201) throw await refusal(resp, "WHEP POST");
      s.url = new URL(resp.headers.get("Location") ?? "", endpoint).toString();
      s.etag = resp.headers.get("ETag") ?? "";
      await pc.setRemoteDescription({ type: "answer", sdp: await resp.text() });
    } catch (err) {
      pc.close();
      throw err;
    }
    s.trickle();
    return s;
  }

  /** Sends the candidates found so far, one PATCH at a time, in order. */
  private trickle(): void {
    if (this.url === "" || this.ended || this.queued.length === 0) return;
    const cands = this.queued;
    this.queued = [];
    this.sending = this.sending.then(async () => {
      const resp = await fetch(this.url, {
        method: "PATCH",
        headers: { "Content-Type": "application/trickle-ice-sdpfrag", "If-Match": this.etag, Authorization: `Bearer ${this.token}` },
        body: this.sdpfrag(cands),
      });
      if (resp.status !== 204) console.warn(String(await refusal(resp, "WHEP PATCH")));
    });
  }

  /** RFC 8840's SDP fragment: the ICE credentials, then the candidates of each m-line. */
  private sdpfrag(cands: RTCIceCandidate[]): string {
    const sdp = this.pc.localDescription?.sdp ?? "";
    const attr = (name: string) => sdp.match(new RegExp(`^a=${name}:(.*)$`, "m"))?.[1]?.trim() ?? "";
    // Each mid's m-line, as the offer has it (the port does not matter).
    const mline = new Map<string, string>();
    for (const section of sdp.split(/\r?\nm=/).slice(1)) {
      const mid = section.match(/^a=mid:(.*)$/m)?.[1]?.trim();
      if (mid !== undefined) mline.set(mid, "m=" + section.split(/\r?\n/)[0]);
    }
    let frag = `a=ice-ufrag:${attr("ice-ufrag")}\r\na=ice-pwd:${attr("ice-pwd")}\r\n`;
    for (const mid of new Set(cands.map((c) => c.sdpMid ?? "0"))) {
      frag += `${mline.get(mid) ?? "m=audio 9 UDP/TLS/RTP/SAVPF 0"}\r\na=mid:${mid}\r\n`;
      for (const c of cands.filter((c) => (c.sdpMid ?? "0") === mid)) frag += `a=${c.candidate}\r\n`;
    }
    return frag;
  }

  /** Ends the session: DELETE on the server, then the PeerConnection closes. */
  async stop(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.sending.catch(() => undefined);
    try {
      const resp = await fetch(this.url, { method: "DELETE", headers: { Authorization: `Bearer ${this.token}` } });
      if (resp.status !== 200 && resp.status !== 404) throw await refusal(resp, "WHEP DELETE");
    } finally {
      this.pc.close();
    }
  }
}
