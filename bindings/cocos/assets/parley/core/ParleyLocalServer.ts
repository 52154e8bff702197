import { getParleyNativeBridge, NativeServerOut } from './NativeBridge';
import { ParleyErrorCode } from './ParleyErrorCode';
import { ParleyError } from './ParleyExpressDefines';

/**
 * Parley: the Parley server inside the game (the same server as parleyd),
 * for local multiplayer and LAN play. Give its url to ParleyEngineProfile.server.
 */
export class ParleyLocalServer {
  /** The app ID and sign of the development defaults (for development only). */
  static readonly DEV_APP_ID = 1;
  static readonly DEV_APP_SIGN = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';

  readonly url: string;
  private handle: number;

  private constructor(handle: number, url: string) {
    this.handle = handle;
    this.url = url;
  }

  /**
   * Starts a server; configJSON uses parleyd's config schema, left out for
   * the development defaults (127.0.0.1, a free port, app DEV_APP_ID).
   * Throws ParleyError when the library refuses.
   */
  static start(configJSON?: string): ParleyLocalServer {
    const bridge = getParleyNativeBridge();
    if (bridge === null) throw new ParleyError(ParleyErrorCode.EngineNotCreated, 'startServer', 'the Parley native plugin is not loaded');
    const out: NativeServerOut = { handle: 0, url: '' };
    const rc = bridge.startServer(configJSON ?? null, out);
    if (rc !== ParleyErrorCode.Success) throw new ParleyError(rc, 'startServer', bridge.errorMessage(rc));
    return new ParleyLocalServer(out.handle, out.url);
  }

  /** Stops the server; engines connected to it lose their rooms. */
  stop(): number {
    const bridge = getParleyNativeBridge();
    if (this.handle === 0 || bridge === null) return ParleyErrorCode.InvalidHandle;
    const rc = bridge.stopServer(this.handle);
    this.handle = 0;
    return rc;
  }
}
