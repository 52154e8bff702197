/**
 * Parley's error codes, with the values of include/parley.h (PARLEY_ERROR_LIST).
 *
 * Every method of ParleyExpressEngine that can fail returns one of these
 * (0 is success), and onDebugError reports the same code. Where the seed's
 * SDK family has a code for the same condition the value is the same
 * (1002033, 1002050, 1002078, 1003028, ...). The test suite checks every
 * member against the loaded library's parley_error_name, so the two cannot
 * drift apart.
 */
export enum ParleyErrorCode {
  /** success */
  Success = 0,
  /** the engine has not been created */
  EngineNotCreated = 1000001,
  /** an argument is NULL, out of range or malformed */
  InvalidArgument = 1000002,
  /** the handle is NULL, destroyed or not one of this library's */
  InvalidHandle = 1000003,
  /** struct_size is smaller than the first version of the struct */
  InvalidStructSize = 1000004,
  /** the app sign must be 64 hex digits */
  InvalidAppSign = 1000005,
  /** room IDs are 1-128 bytes of A-Z a-z 0-9 - _ . ~ */
  InvalidRoomID = 1000006,
  /** user IDs are 1-64 bytes of A-Z a-z 0-9 - _ . ~ */
  InvalidUserID = 1000007,
  /** stream IDs are 1-256 bytes of A-Z a-z 0-9 - _ . ~ */
  InvalidStreamID = 1000008,
  /** log in to a room first */
  NotLoggedIn = 1000009,
  /** internal error (a bug in Parley; see on_debug_error) */
  Internal = 1000010,
  /** the buffer is too small for the result */
  BufferTooSmall = 1000011,
  /** user names are 0-256 bytes of UTF-8 */
  InvalidUserName = 1000012,
  /** the view is already attached to a preview or player */
  ViewInUse = 1000013,
  /** malformed or out-of-order signaling message */
  Protocol = 1000014,
  /** the publish channel is not MAIN or AUX */
  InvalidChannel = 1000015,
  /** extra info is at most 1024 bytes of UTF-8 */
  InvalidExtraInfo = 1000016,
  /** the engine is being destroyed */
  EngineDestroyed = 1000017,
  /** the server URL must be ws:// or wss:// */
  InvalidServerUrl = 1000018,
  /** the peer speaks an unsupported protocol version */
  UnsupportedVersion = 1000019,
  /** a signaling message exceeds the server's size limit */
  MessageTooLarge = 1000020,
  /** too many signaling requests; slow down */
  RateLimited = 1000021,
  /** too many rooms logged in at once */
  RoomCountExceeded = 1002001,
  /** this engine is already logged in to that room */
  RoomAlreadyLoggedIn = 1002002,
  /** an engine logs in to all its rooms with one user ID */
  RoomUserIDMismatch = 1002003,
  /** cannot reach the server or the connection was lost */
  RoomNetwork = 1002030,
  /** authentication failed: wrong app ID or app sign */
  RoomAuthFailed = 1002033,
  /** the room is full */
  RoomUserLimit = 1002034,
  /** too many login attempts from this address */
  LoginRateLimited = 1002035,
  /** too many connections from this address */
  ConnectionLimit = 1002036,
  /** the same user ID logged in elsewhere */
  RoomKickedOut = 1002050,
  /** the token is malformed or for another room or user */
  RoomTokenInvalid = 1002067,
  /** the token has expired */
  RoomTokenExpired = 1002078,
  /** this channel is already publishing */
  PublishAlreadyPublishing = 1003002,
  /** no privilege to publish this stream */
  PublishNoPrivilege = 1003023,
  /** the media connection for publishing failed */
  PublishNetwork = 1003025,
  /** another user publishes this stream ID */
  PublishStreamIDInUse = 1003028,
  /** this user publishes too many streams */
  PublishStreamLimit = 1003030,
  /** the publish offer is not a valid session description */
  PublishSDPInvalid = 1003040,
  /** no privilege to play this stream */
  PlayNoPrivilege = 1004023,
  /** nobody publishes this stream ID */
  PlayStreamNotFound = 1004025,
  /** the media connection for playing failed */
  PlayNetwork = 1004030,
  /** the play offer is not a valid session description */
  PlaySDPInvalid = 1004040,
  /** no such capture or playback device */
  DeviceNotFound = 1005001,
  /** the codec is not supported by this build */
  CodecUnsupported = 1005002,
  /** set the source to CUSTOM before sending custom frames */
  CustomCaptureNotEnabled = 1005003,
  /** the server could not listen on its address */
  ServerListenFailed = 1006001,
  /** the server configuration is invalid */
  ServerConfigInvalid = 1006002,
}
