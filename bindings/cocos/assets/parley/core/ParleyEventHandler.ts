import {
  ParleyPlayerMediaEvent,
  ParleyPlayerState,
  ParleyPlayStreamQuality,
  ParleyPublishChannel,
  ParleyPublisherState,
  ParleyPublishStreamQuality,
  ParleyRemoteDeviceState,
  ParleyRoomStateChangedReason,
  ParleyStream,
  ParleyStreamQualityLevel,
  ParleyUpdateType,
  ParleyUser,
} from './ParleyExpressDefines';

/**
 * The engine's callbacks. As in the seed, onDebugError is the only one a
 * class must implement; the others are optional.
 *
 * Every callback runs on the game's main thread, from the frame update of
 * the ParleyEventPump component (or from parleyUpdate() where the game drives
 * the loop itself), never from a thread of the library. Strings and arrays
 * handed to a callback belong to it.
 */
export interface ParleyEventHandler {
  /**
   * A call failed, or something failed that no state callback reports.
   * funcName is the API method, such as 'loginRoom'; info is English text.
   */
  onDebugError(errorCode: number, funcName: string, info: string): void;

  onRoomStateChanged?(roomID: string, reason: ParleyRoomStateChangedReason, errorCode: number, extendedData: string): void;
  /** Only for rooms logged in with isUserStatusNotify; never about this engine's user. */
  onRoomUserUpdate?(roomID: string, updateType: ParleyUpdateType, userList: ParleyUser[]): void;
  /** Never about this engine's own streams. */
  onRoomStreamUpdate?(roomID: string, updateType: ParleyUpdateType, streamList: ParleyStream[], extendedData: string): void;
  onRoomTokenWillExpire?(roomID: string, remainTimeInSecond: number): void;

  onPublisherStateUpdate?(streamID: string, state: ParleyPublisherState, errorCode: number, extendedData: string): void;
  onPublisherQualityUpdate?(streamID: string, quality: ParleyPublishStreamQuality): void;
  onPublisherCapturedVideoFirstFrame?(channel: ParleyPublishChannel): void;

  onPlayerStateUpdate?(streamID: string, state: ParleyPlayerState, errorCode: number, extendedData: string): void;
  onPlayerQualityUpdate?(streamID: string, quality: ParleyPlayStreamQuality): void;
  onPlayerMediaEvent?(streamID: string, event: ParleyPlayerMediaEvent): void;
  onPlayerRecvVideoFirstFrame?(streamID: string): void;
  onPlayerRenderVideoFirstFrame?(streamID: string): void;
  onPlayerVideoSizeChanged?(streamID: string, width: number, height: number): void;

  onRemoteCameraStateUpdate?(streamID: string, state: ParleyRemoteDeviceState): void;
  onRemoteMicStateUpdate?(streamID: string, state: ParleyRemoteDeviceState): void;
  /** userID '' is this engine's own user. */
  onNetworkQuality?(userID: string, upstreamQuality: ParleyStreamQualityLevel, downstreamQuality: ParleyStreamQualityLevel): void;
}
