/*
 * parley_glue.cpp — the Cocos native plugin: include/parley.h exposed to
 * JavaScript as the global object `parleyNative`, the NativeBridge of
 * assets/parley/core/NativeBridge.ts, through the engine's se:: API.
 *
 * Each function converts JS values, calls one C function and returns its
 * code; there is no call logic here. Engines are created in poll mode: the
 * library's callbacks run inside parley_engine_poll_events, on the thread
 * that polls (the game thread), and only copy the event into a C++ queue;
 * pollEvents turns the queue into JS objects after the library returns, so
 * no JS runs inside the library.
 *
 * View buffers are allocated here and handed to JS as external ArrayBuffers
 * over the same memory (no copy): Texture2D.uploadData reads the pixels the
 * library wrote. The memory is freed when both the library's view is
 * destroyed and the ArrayBuffer is collected.
 */
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "bindings/jswrapper/SeApi.h"
#include "plugins/Plugins.h"
#include "plugins/bus/EventBus.h"
#include "parley.h"

namespace {

// ---- A small value model for events copied out of callbacks ---------------

struct Val {
  enum Kind { Number, String, Object, Array } kind = Number;
  double number = 0;
  std::string text;
  std::vector<std::pair<const char *, Val>> fields;  // Object
  std::vector<Val> items;                             // Array

  static Val num(double v) {
    Val x;
    x.number = v;
    return x;
  }
  static Val str(const char *s) {
    Val x;
    x.kind = String;
    x.text = s != nullptr ? s : "";
    return x;
  }
  static Val obj(const char *type) {
    Val x;
    x.kind = Object;
    x.fields.emplace_back("type", str(type));
    return x;
  }
  static Val arr() {
    Val x;
    x.kind = Array;
    return x;
  }
  Val &set(const char *key, Val v) {
    fields.emplace_back(key, std::move(v));
    return *this;
  }
};

se::Value toJS(const Val &v) {
  switch (v.kind) {
    case Val::Number:
      return se::Value(v.number);
    case Val::String:
      return se::Value(v.text.c_str());
    case Val::Object: {
      se::HandleObject o(se::Object::createPlainObject());
      for (const auto &f : v.fields) o->setProperty(f.first, toJS(f.second));
      return se::Value(o);
    }
    case Val::Array: {
      se::HandleObject a(se::Object::createArrayObject(v.items.size()));
      for (uint32_t i = 0; i < v.items.size(); i++) a->setArrayElement(i, toJS(v.items[i]));
      return se::Value(a);
    }
  }
  return se::Value();
}

// ---- The library's callbacks: user_data is the engine's queue --------------

using Queue = std::vector<Val>;

void push(void *ud, Val v) { static_cast<Queue *>(ud)->push_back(std::move(v)); }

Val userVal(const parley_user &u) {
  Val x;
  x.kind = Val::Object;
  x.set("userID", Val::str(u.user_id)).set("userName", Val::str(u.user_name));
  return x;
}

void PARLEY_CALL onDebugError(void *ud, int32_t code, const char *fn, const char *info) {
  push(ud, Val::obj("debugError").set("errorCode", Val::num(code)).set("funcName", Val::str(fn)).set("info", Val::str(info)));
}

void PARLEY_CALL onRoomState(void *ud, const char *room, int32_t reason, int32_t code, const char *ext) {
  push(ud, Val::obj("roomStateChanged").set("roomID", Val::str(room)).set("reason", Val::num(reason))
               .set("errorCode", Val::num(code)).set("extendedData", Val::str(ext)));
}

void PARLEY_CALL onUserUpdate(void *ud, const char *room, int32_t type, const parley_user *users, uint32_t count) {
  Val list = Val::arr();
  for (uint32_t i = 0; i < count; i++) list.items.push_back(userVal(users[i]));
  push(ud, Val::obj("roomUserUpdate").set("roomID", Val::str(room)).set("updateType", Val::num(type))
               .set("users", std::move(list)));
}

void PARLEY_CALL onStreamUpdate(void *ud, const char *room, int32_t type, const parley_stream *streams, uint32_t count,
                                const char *ext) {
  Val list = Val::arr();
  for (uint32_t i = 0; i < count; i++) {
    Val s = userVal(streams[i].user);
    s.set("streamID", Val::str(streams[i].stream_id)).set("extraInfo", Val::str(streams[i].extra_info));
    list.items.push_back(std::move(s));
  }
  push(ud, Val::obj("roomStreamUpdate").set("roomID", Val::str(room)).set("updateType", Val::num(type))
               .set("streams", std::move(list)).set("extendedData", Val::str(ext)));
}

void PARLEY_CALL onTokenWillExpire(void *ud, const char *room, int32_t remain) {
  push(ud, Val::obj("roomTokenWillExpire").set("roomID", Val::str(room)).set("remainSeconds", Val::num(remain)));
}

void PARLEY_CALL onPublisherState(void *ud, const char *stream, int32_t state, int32_t code, const char *ext) {
  push(ud, Val::obj("publisherStateUpdate").set("streamID", Val::str(stream)).set("state", Val::num(state))
               .set("errorCode", Val::num(code)).set("extendedData", Val::str(ext)));
}

void PARLEY_CALL onPublisherQuality(void *ud, const char *stream, const parley_publish_quality *q) {
  Val quality;
  quality.kind = Val::Object;
  quality.set("videoCaptureFPS", Val::num(q->video_capture_fps)).set("videoEncodeFPS", Val::num(q->video_encode_fps))
      .set("videoSendFPS", Val::num(q->video_send_fps)).set("videoKBPS", Val::num(q->video_kbps))
      .set("audioKBPS", Val::num(q->audio_kbps)).set("rtt", Val::num(q->rtt_ms))
      .set("packetLostRate", Val::num(q->packet_loss_rate)).set("level", Val::num(q->level));
  push(ud, Val::obj("publisherQualityUpdate").set("streamID", Val::str(stream)).set("quality", std::move(quality)));
}

void PARLEY_CALL onCapturedFirstFrame(void *ud, int32_t channel) {
  push(ud, Val::obj("publisherCapturedVideoFirstFrame").set("channel", Val::num(channel)));
}

void PARLEY_CALL onPlayerState(void *ud, const char *stream, int32_t state, int32_t code, const char *ext) {
  push(ud, Val::obj("playerStateUpdate").set("streamID", Val::str(stream)).set("state", Val::num(state))
               .set("errorCode", Val::num(code)).set("extendedData", Val::str(ext)));
}

void PARLEY_CALL onPlayerQuality(void *ud, const char *stream, const parley_play_quality *q) {
  Val quality;
  quality.kind = Val::Object;
  quality.set("videoRecvFPS", Val::num(q->video_recv_fps)).set("videoDecodeFPS", Val::num(q->video_decode_fps))
      .set("videoRenderFPS", Val::num(q->video_render_fps)).set("videoKBPS", Val::num(q->video_kbps))
      .set("audioKBPS", Val::num(q->audio_kbps)).set("rtt", Val::num(q->rtt_ms))
      .set("packetLostRate", Val::num(q->packet_loss_rate)).set("delay", Val::num(q->delay_ms))
      .set("videoBreakRate", Val::num(q->video_break_rate)).set("width", Val::num(q->width))
      .set("height", Val::num(q->height)).set("level", Val::num(q->level));
  push(ud, Val::obj("playerQualityUpdate").set("streamID", Val::str(stream)).set("quality", std::move(quality)));
}

void PARLEY_CALL onPlayerMediaEvent(void *ud, const char *stream, int32_t event) {
  push(ud, Val::obj("playerMediaEvent").set("streamID", Val::str(stream)).set("event", Val::num(event)));
}

void PARLEY_CALL onRecvFirstFrame(void *ud, const char *stream) {
  push(ud, Val::obj("playerRecvVideoFirstFrame").set("streamID", Val::str(stream)));
}

void PARLEY_CALL onRenderFirstFrame(void *ud, const char *stream) {
  push(ud, Val::obj("playerRenderVideoFirstFrame").set("streamID", Val::str(stream)));
}

void PARLEY_CALL onVideoSize(void *ud, const char *stream, int32_t w, int32_t h) {
  push(ud, Val::obj("playerVideoSizeChanged").set("streamID", Val::str(stream)).set("width", Val::num(w))
               .set("height", Val::num(h)));
}

void PARLEY_CALL onRemoteCamera(void *ud, const char *stream, int32_t state) {
  push(ud, Val::obj("remoteCameraStateUpdate").set("streamID", Val::str(stream)).set("state", Val::num(state)));
}

void PARLEY_CALL onRemoteMic(void *ud, const char *stream, int32_t state) {
  push(ud, Val::obj("remoteMicStateUpdate").set("streamID", Val::str(stream)).set("state", Val::num(state)));
}

void PARLEY_CALL onNetworkQuality(void *ud, const char *user, int32_t up, int32_t down) {
  push(ud, Val::obj("networkQuality").set("userID", Val::str(user)).set("upstream", Val::num(up))
               .set("downstream", Val::num(down)));
}

parley_event_handler handlerFor(Queue *queue) {
  parley_event_handler h;
  std::memset(&h, 0, sizeof h);
  h.struct_size = sizeof h;
  h.user_data = queue;
  h.on_debug_error = onDebugError;
  h.on_room_state_changed = onRoomState;
  h.on_room_user_update = onUserUpdate;
  h.on_room_stream_update = onStreamUpdate;
  h.on_room_token_will_expire = onTokenWillExpire;
  h.on_publisher_state_update = onPublisherState;
  h.on_publisher_quality_update = onPublisherQuality;
  h.on_publisher_captured_video_first_frame = onCapturedFirstFrame;
  h.on_player_state_update = onPlayerState;
  h.on_player_quality_update = onPlayerQuality;
  h.on_player_media_event = onPlayerMediaEvent;
  h.on_player_recv_video_first_frame = onRecvFirstFrame;
  h.on_player_render_video_first_frame = onRenderFirstFrame;
  h.on_player_video_size_changed = onVideoSize;
  h.on_remote_camera_state_update = onRemoteCamera;
  h.on_remote_mic_state_update = onRemoteMic;
  h.on_network_quality = onNetworkQuality;
  return h;
}

// Engines' queues by handle (touched only on the game thread).
std::unordered_map<uintptr_t, Queue *> &queues() {
  static std::unordered_map<uintptr_t, Queue *> q;
  return q;
}

// ---- View memory: freed when both the library view and the ArrayBuffer let go ---

struct ViewMemory {
  uint8_t *pixels;
  std::atomic<int> refs;
};

void unrefMemory(ViewMemory *m) {
  if (m->refs.fetch_sub(1) == 1) {
    std::free(m->pixels);
    delete m;
  }
}

void freeFromArrayBuffer(void * /*contents*/, size_t /*length*/, void *userData) {
  unrefMemory(static_cast<ViewMemory *>(userData));
}

std::unordered_map<uintptr_t, ViewMemory *> &viewMemories() {
  static std::unordered_map<uintptr_t, ViewMemory *> m;
  return m;
}

// ---- Argument conversion --------------------------------------------------

constexpr int32_t kInvalidArgument = PARLEY_ERR_INVALID_ARGUMENT;
constexpr double kMaxExactHandle = 9007199254740992.0;  // 2^53: handles travel as JS numbers

uintptr_t handleArg(const se::ValueArray &args, size_t i) {
  if (i >= args.size() || !args[i].isNumber()) return 0;
  double v = args[i].toDouble();
  return v > 0 && v < kMaxExactHandle ? static_cast<uintptr_t>(v) : 0;
}

template <typename T>
T *handle(const se::ValueArray &args, size_t i) {
  return reinterpret_cast<T *>(handleArg(args, i));
}

se::Value handleValue(const void *h) { return se::Value(static_cast<double>(reinterpret_cast<uintptr_t>(h))); }

int32_t intArg(const se::ValueArray &args, size_t i) {
  return i < args.size() && args[i].isNumber() ? args[i].toInt32() : 0;
}

uint32_t uintArg(const se::ValueArray &args, size_t i) {
  return i < args.size() && args[i].isNumber() ? args[i].toUint32() : 0;
}

int32_t boolArg(const se::ValueArray &args, size_t i) { return i < args.size() && args[i].toBoolean() ? 1 : 0; }

/** A string argument: nullptr when it is not a string (null, undefined), which the library answers. */
struct Str {
  std::string text;
  bool present = false;
  Str(const se::ValueArray &args, size_t i) {
    if (i < args.size() && args[i].isString()) {
      text = args[i].toString().c_str();
      present = true;
    }
  }
  const char *get() const { return present ? text.c_str() : nullptr; }
  /** "" counts as absent (optional strings: app sign, server URL, token). */
  const char *orNull() const { return present && !text.empty() ? text.c_str() : nullptr; }
};

se::Object *objectArg(const se::ValueArray &args, size_t i) {
  return i < args.size() && args[i].isObject() ? args[i].toObject() : nullptr;
}

double numberProp(se::Object *o, const char *name) {
  se::Value v;
  return o->getProperty(name, &v) && v.isNumber() ? v.toDouble() : 0;
}

std::string stringProp(se::Object *o, const char *name) {
  se::Value v;
  return o->getProperty(name, &v) && v.isString() ? std::string(v.toString().c_str()) : std::string();
}

bool boolProp(se::Object *o, const char *name) {
  se::Value v;
  return o->getProperty(name, &v) && v.toBoolean();
}

/** The bytes of a typed array argument, or nullptr. */
uint8_t *bytesArg(const se::ValueArray &args, size_t i, size_t *length) {
  se::Object *o = objectArg(args, i);
  uint8_t *data = nullptr;
  *length = 0;
  if (o == nullptr || !o->isTypedArray() || !o->getTypedArrayData(&data, length)) return nullptr;
  return data;
}

void setInt(se::State &s, int32_t rc) { s.rval().setInt32(rc); }

// ---- The bridge's functions ----------------------------------------------------

bool js_abiVersion(se::State &s) {
  s.rval().setUint32(parley_get_abi_version());
  return true;
}
SE_BIND_FUNC(js_abiVersion)

bool js_version(se::State &s) {
  s.rval().setString(parley_get_version());
  return true;
}
SE_BIND_FUNC(js_version)

bool js_errorName(se::State &s) {
  s.rval().setString(parley_error_name(intArg(s.args(), 0)));
  return true;
}
SE_BIND_FUNC(js_errorName)

bool js_errorMessage(se::State &s) {
  s.rval().setString(parley_error_message(intArg(s.args(), 0)));
  return true;
}
SE_BIND_FUNC(js_errorMessage)

// createEngine(profile, out): always poll mode, every callback set.
bool js_createEngine(se::State &s) {
  const auto &args = s.args();
  se::Object *profile = objectArg(args, 0);
  se::Object *out = objectArg(args, 1);
  if (profile == nullptr || out == nullptr) {
    setInt(s, kInvalidArgument);
    return true;
  }
  std::string sign = stringProp(profile, "appSign");
  std::string server = stringProp(profile, "server");
  parley_engine_profile p;
  std::memset(&p, 0, sizeof p);
  p.struct_size = sizeof p;
  p.app_id = static_cast<uint32_t>(numberProp(profile, "appID"));
  p.app_sign = sign.empty() ? nullptr : sign.c_str();
  p.scenario = static_cast<int32_t>(numberProp(profile, "scenario"));
  p.server_url = server.empty() ? nullptr : server.c_str();
  p.flags = PARLEY_ENGINE_FLAG_POLL_EVENTS;
  auto *queue = new Queue();
  parley_event_handler h = handlerFor(queue);
  parley_engine *e = nullptr;
  int32_t rc = parley_engine_create(&p, &h, &e);
  if (rc != PARLEY_OK) {
    delete queue;
    e = nullptr;
  } else {
    queues()[reinterpret_cast<uintptr_t>(e)] = queue;
  }
  out->setProperty("handle", handleValue(e));
  setInt(s, rc);
  return true;
}
SE_BIND_FUNC(js_createEngine)

bool js_destroyEngine(se::State &s) {
  uintptr_t key = handleArg(s.args(), 0);
  int32_t rc = parley_engine_destroy(reinterpret_cast<parley_engine *>(key), nullptr, nullptr);
  // After destroy returns no callback of the engine runs: its queue can go.
  auto it = queues().find(key);
  if (rc == PARLEY_OK && it != queues().end()) {
    delete it->second;
    queues().erase(it);
  }
  setInt(s, rc);
  return true;
}
SE_BIND_FUNC(js_destroyEngine)

// pollEvents(engine, out): the events dispatched by this poll, appended to out.
bool js_pollEvents(se::State &s) {
  const auto &args = s.args();
  uintptr_t key = handleArg(args, 0);
  se::Object *out = objectArg(args, 1);
  uint32_t n = 0;
  int32_t rc = parley_engine_poll_events(reinterpret_cast<parley_engine *>(key), 0, &n);
  auto it = queues().find(key);
  if (it != queues().end()) {
    Queue events;
    events.swap(*it->second);
    uint32_t length = 0;
    if (out != nullptr && out->isArray() && out->getArrayLength(&length)) {
      for (const auto &ev : events) out->setArrayElement(length++, toJS(ev));
    }
  }
  setInt(s, rc);
  return true;
}
SE_BIND_FUNC(js_pollEvents)

bool js_loginRoom(se::State &s) {
  const auto &args = s.args();
  Str room(args, 1), userID(args, 2), userName(args, 3);
  parley_user user = {userID.get(), userName.get()};
  se::Object *config = objectArg(args, 4);
  std::string token;
  parley_room_config rc;
  std::memset(&rc, 0, sizeof rc);
  if (config != nullptr) {
    token = stringProp(config, "token");
    rc.struct_size = sizeof rc;
    rc.max_member_count = static_cast<uint32_t>(numberProp(config, "maxMemberCount"));
    rc.is_user_status_notify = boolProp(config, "isUserStatusNotify") ? 1 : 0;
    rc.token = token.empty() ? nullptr : token.c_str();
  }
  setInt(s, parley_login_room(handle<parley_engine>(args, 0), room.get(), &user, config != nullptr ? &rc : nullptr));
  return true;
}
SE_BIND_FUNC(js_loginRoom)

bool js_logoutRoom(se::State &s) {
  Str room(s.args(), 1);
  setInt(s, parley_logout_room(handle<parley_engine>(s.args(), 0), room.get()));
  return true;
}
SE_BIND_FUNC(js_logoutRoom)

bool js_renewToken(se::State &s) {
  Str room(s.args(), 1), token(s.args(), 2);
  setInt(s, parley_renew_token(handle<parley_engine>(s.args(), 0), room.get(), token.get()));
  return true;
}
SE_BIND_FUNC(js_renewToken)

bool js_startPublishingStream(se::State &s) {
  Str stream(s.args(), 1);
  setInt(s, parley_start_publishing_stream(handle<parley_engine>(s.args(), 0), stream.get(), intArg(s.args(), 2)));
  return true;
}
SE_BIND_FUNC(js_startPublishingStream)

bool js_stopPublishingStream(se::State &s) {
  setInt(s, parley_stop_publishing_stream(handle<parley_engine>(s.args(), 0), intArg(s.args(), 1)));
  return true;
}
SE_BIND_FUNC(js_stopPublishingStream)

bool js_startPreview(se::State &s) {
  const auto &args = s.args();
  setInt(s, parley_start_preview(handle<parley_engine>(args, 0), handle<parley_view>(args, 1), intArg(args, 2)));
  return true;
}
SE_BIND_FUNC(js_startPreview)

bool js_stopPreview(se::State &s) {
  setInt(s, parley_stop_preview(handle<parley_engine>(s.args(), 0), intArg(s.args(), 1)));
  return true;
}
SE_BIND_FUNC(js_stopPreview)

bool js_setVideoConfig(se::State &s) {
  const auto &args = s.args();
  se::Object *c = objectArg(args, 1);
  if (c == nullptr) {
    // The library answers a NULL config.
    setInt(s, parley_set_video_config(handle<parley_engine>(args, 0), nullptr, intArg(args, 2)));
    return true;
  }
  parley_video_config v;
  std::memset(&v, 0, sizeof v);
  v.struct_size = sizeof v;
  v.capture_width = static_cast<uint32_t>(numberProp(c, "captureWidth"));
  v.capture_height = static_cast<uint32_t>(numberProp(c, "captureHeight"));
  v.encode_width = static_cast<uint32_t>(numberProp(c, "encodeWidth"));
  v.encode_height = static_cast<uint32_t>(numberProp(c, "encodeHeight"));
  v.fps = static_cast<uint32_t>(numberProp(c, "fps"));
  v.bitrate_kbps = static_cast<uint32_t>(numberProp(c, "bitrateKBPS"));
  v.codec = static_cast<int32_t>(numberProp(c, "codec"));
  setInt(s, parley_set_video_config(handle<parley_engine>(args, 0), &v, intArg(args, 2)));
  return true;
}
SE_BIND_FUNC(js_setVideoConfig)

bool js_setVideoSource(se::State &s) {
  setInt(s, parley_set_video_source(handle<parley_engine>(s.args(), 0), intArg(s.args(), 1), intArg(s.args(), 2)));
  return true;
}
SE_BIND_FUNC(js_setVideoSource)

bool js_setAudioSource(se::State &s) {
  setInt(s, parley_set_audio_source(handle<parley_engine>(s.args(), 0), intArg(s.args(), 1)));
  return true;
}
SE_BIND_FUNC(js_setAudioSource)

bool js_setVideoMirrorMode(se::State &s) {
  setInt(s, parley_set_video_mirror_mode(handle<parley_engine>(s.args(), 0), intArg(s.args(), 1), intArg(s.args(), 2)));
  return true;
}
SE_BIND_FUNC(js_setVideoMirrorMode)

bool js_enableCamera(se::State &s) {
  setInt(s, parley_enable_camera(handle<parley_engine>(s.args(), 0), boolArg(s.args(), 1), intArg(s.args(), 2)));
  return true;
}
SE_BIND_FUNC(js_enableCamera)

bool js_muteMicrophone(se::State &s) {
  setInt(s, parley_mute_microphone(handle<parley_engine>(s.args(), 0), boolArg(s.args(), 1)));
  return true;
}
SE_BIND_FUNC(js_muteMicrophone)

bool js_mutePublishStreamAudio(se::State &s) {
  setInt(s, parley_mute_publish_stream_audio(handle<parley_engine>(s.args(), 0), boolArg(s.args(), 1), intArg(s.args(), 2)));
  return true;
}
SE_BIND_FUNC(js_mutePublishStreamAudio)

bool js_mutePublishStreamVideo(se::State &s) {
  setInt(s, parley_mute_publish_stream_video(handle<parley_engine>(s.args(), 0), boolArg(s.args(), 1), intArg(s.args(), 2)));
  return true;
}
SE_BIND_FUNC(js_mutePublishStreamVideo)

// sendCustomVideoFrame(engine, rgba: Uint8Array, width, height, stride, timestampMs, channel)
bool js_sendCustomVideoFrame(se::State &s) {
  const auto &args = s.args();
  size_t length = 0;
  uint8_t *rgba = bytesArg(args, 1, &length);
  uint32_t width = uintArg(args, 2), height = uintArg(args, 3), stride = uintArg(args, 4);
  if (rgba != nullptr && static_cast<uint64_t>(stride) * height > length) rgba = nullptr;  // too short: as NULL
  int64_t ts = 5 < args.size() && args[5].isNumber() ? static_cast<int64_t>(args[5].toDouble()) : 0;
  setInt(s, parley_send_custom_video_frame(handle<parley_engine>(args, 0), rgba, width, height, stride, ts, intArg(args, 6)));
  return true;
}
SE_BIND_FUNC(js_sendCustomVideoFrame)

// The PCM functions: (engine, pcm: Int16Array, samplesPerChannel, sampleRate, channels)
int16_t *pcmArg(const se::ValueArray &args, uint32_t perChannel, uint32_t channels) {
  size_t length = 0;
  se::Object *o = objectArg(args, 1);
  if (o == nullptr || o->getTypedArrayType() != se::Object::TypedArrayType::INT16) return nullptr;
  auto *pcm = reinterpret_cast<int16_t *>(bytesArg(args, 1, &length));
  if (pcm != nullptr && static_cast<uint64_t>(perChannel) * channels * sizeof(int16_t) > length) return nullptr;
  return pcm;
}

bool js_sendCustomAudioPCM(se::State &s) {
  const auto &args = s.args();
  uint32_t perChannel = uintArg(args, 2), rate = uintArg(args, 3), channels = uintArg(args, 4);
  int16_t *pcm = pcmArg(args, perChannel, channels);
  setInt(s, parley_send_custom_audio_pcm(handle<parley_engine>(args, 0), pcm, perChannel, rate, channels));
  return true;
}
SE_BIND_FUNC(js_sendCustomAudioPCM)

bool js_fetchAudioPCM(se::State &s) {
  const auto &args = s.args();
  uint32_t perChannel = uintArg(args, 2), rate = uintArg(args, 3), channels = uintArg(args, 4);
  int16_t *pcm = pcmArg(args, perChannel, channels);
  setInt(s, parley_fetch_audio_pcm(handle<parley_engine>(args, 0), pcm, perChannel, rate, channels));
  return true;
}
SE_BIND_FUNC(js_fetchAudioPCM)

bool js_startPlayingStream(se::State &s) {
  const auto &args = s.args();
  Str stream(args, 1);
  setInt(s, parley_start_playing_stream(handle<parley_engine>(args, 0), stream.get(), handle<parley_view>(args, 2)));
  return true;
}
SE_BIND_FUNC(js_startPlayingStream)

bool js_stopPlayingStream(se::State &s) {
  Str stream(s.args(), 1);
  setInt(s, parley_stop_playing_stream(handle<parley_engine>(s.args(), 0), stream.get()));
  return true;
}
SE_BIND_FUNC(js_stopPlayingStream)

bool js_mutePlayStreamAudio(se::State &s) {
  Str stream(s.args(), 1);
  setInt(s, parley_mute_play_stream_audio(handle<parley_engine>(s.args(), 0), stream.get(), boolArg(s.args(), 2)));
  return true;
}
SE_BIND_FUNC(js_mutePlayStreamAudio)

bool js_mutePlayStreamVideo(se::State &s) {
  Str stream(s.args(), 1);
  setInt(s, parley_mute_play_stream_video(handle<parley_engine>(s.args(), 0), stream.get(), boolArg(s.args(), 2)));
  return true;
}
SE_BIND_FUNC(js_mutePlayStreamVideo)

bool js_muteSpeaker(se::State &s) {
  setInt(s, parley_mute_speaker(handle<parley_engine>(s.args(), 0), boolArg(s.args(), 1)));
  return true;
}
SE_BIND_FUNC(js_muteSpeaker)

bool js_setAudioOutput(se::State &s) {
  setInt(s, parley_set_audio_output(handle<parley_engine>(s.args(), 0), intArg(s.args(), 1)));
  return true;
}
SE_BIND_FUNC(js_setAudioOutput)

// createView(width, height, viewMode, flipY, out: {handle, pixels})
bool js_createView(se::State &s) {
  const auto &args = s.args();
  se::Object *out = objectArg(args, 4);
  double w = 0 < args.size() && args[0].isNumber() ? args[0].toDouble() : 0;
  double h = 1 < args.size() && args[1].isNumber() ? args[1].toDouble() : 0;
  if (out == nullptr || !(w >= 1 && w <= 16384 && h >= 1 && h <= 16384) || w != static_cast<uint32_t>(w) ||
      h != static_cast<uint32_t>(h)) {
    setInt(s, kInvalidArgument);
    return true;
  }
  auto width = static_cast<uint32_t>(w), height = static_cast<uint32_t>(h);
  size_t size = static_cast<size_t>(width) * height * 4;
  auto *mem = new ViewMemory{static_cast<uint8_t *>(std::calloc(size, 1)), {1}};
  if (mem->pixels == nullptr) {
    delete mem;
    setInt(s, PARLEY_ERR_INTERNAL);
    return true;
  }
  parley_view_desc d;
  std::memset(&d, 0, sizeof d);
  d.struct_size = sizeof d;
  d.pixels = mem->pixels;
  d.width = width;
  d.height = height;
  d.stride = width * 4;
  d.view_mode = intArg(args, 2);
  d.flip_y = boolArg(args, 3);
  parley_view *v = nullptr;
  int32_t rc = parley_view_create(&d, &v);
  if (rc != PARLEY_OK) {
    unrefMemory(mem);
    setInt(s, rc);
    return true;
  }
  viewMemories()[reinterpret_cast<uintptr_t>(v)] = mem;
  // The ArrayBuffer shares the memory (no copy) and holds a reference of its own.
  mem->refs.fetch_add(1);
  se::HandleObject buffer(se::Object::createExternalArrayBufferObject(mem->pixels, size, freeFromArrayBuffer, mem));
  se::HandleObject pixels(se::Object::createTypedArrayWithBuffer(se::Object::TypedArrayType::UINT8, buffer.get()));
  out->setProperty("handle", handleValue(v));
  out->setProperty("pixels", se::Value(pixels));
  setInt(s, rc);
  return true;
}
SE_BIND_FUNC(js_createView)

bool js_acquireView(se::State &s) {
  const auto &args = s.args();
  se::Object *info = objectArg(args, 1);
  parley_frame_info fi;
  std::memset(&fi, 0, sizeof fi);
  fi.struct_size = sizeof fi;
  int32_t rc = parley_view_acquire(handle<parley_view>(args, 0), &fi);
  if (rc == PARLEY_OK && info != nullptr) {
    info->setProperty("seq", se::Value(static_cast<double>(fi.seq)));
    info->setProperty("sourceWidth", se::Value(static_cast<double>(fi.source_width)));
    info->setProperty("sourceHeight", se::Value(static_cast<double>(fi.source_height)));
    info->setProperty("captureTimeMs", se::Value(static_cast<double>(fi.capture_time_ms)));
    info->setProperty("writeTimeMs", se::Value(static_cast<double>(fi.write_time_ms)));
  }
  setInt(s, rc);
  return true;
}
SE_BIND_FUNC(js_acquireView)

bool js_releaseView(se::State &s) {
  setInt(s, parley_view_release(handle<parley_view>(s.args(), 0)));
  return true;
}
SE_BIND_FUNC(js_releaseView)

bool js_destroyView(se::State &s) {
  uintptr_t key = handleArg(s.args(), 0);
  int32_t rc = parley_view_destroy(reinterpret_cast<parley_view *>(key));
  // From here on the library never touches the pixels: drop its reference.
  auto it = viewMemories().find(key);
  if (rc == PARLEY_OK && it != viewMemories().end()) {
    unrefMemory(it->second);
    viewMemories().erase(it);
  }
  setInt(s, rc);
  return true;
}
SE_BIND_FUNC(js_destroyView)

// startServer(configJSON | null, out: {handle, url})
bool js_startServer(se::State &s) {
  const auto &args = s.args();
  Str config(args, 0);
  se::Object *out = objectArg(args, 1);
  if (out == nullptr) {
    setInt(s, kInvalidArgument);
    return true;
  }
  char url[PARLEY_URL_CAPACITY] = {0};
  parley_server *server = nullptr;
  int32_t rc = parley_server_start(config.get(), &server, url, sizeof url);
  out->setProperty("handle", handleValue(rc == PARLEY_OK ? server : nullptr));
  out->setProperty("url", se::Value(rc == PARLEY_OK ? url : ""));
  setInt(s, rc);
  return true;
}
SE_BIND_FUNC(js_startServer)

bool js_stopServer(se::State &s) {
  setInt(s, parley_server_stop(handle<parley_server>(s.args(), 0)));
  return true;
}
SE_BIND_FUNC(js_stopServer)

}  // namespace

/** Installs `parleyNative` on the global object (a script engine register callback). */
bool parley_register_native(se::Object *global) {
  se::HandleObject ns(se::Object::createPlainObject());
  ns->defineFunction("abiVersion", _SE(js_abiVersion));
  ns->defineFunction("version", _SE(js_version));
  ns->defineFunction("errorName", _SE(js_errorName));
  ns->defineFunction("errorMessage", _SE(js_errorMessage));
  ns->defineFunction("createEngine", _SE(js_createEngine));
  ns->defineFunction("destroyEngine", _SE(js_destroyEngine));
  ns->defineFunction("pollEvents", _SE(js_pollEvents));
  ns->defineFunction("loginRoom", _SE(js_loginRoom));
  ns->defineFunction("logoutRoom", _SE(js_logoutRoom));
  ns->defineFunction("renewToken", _SE(js_renewToken));
  ns->defineFunction("startPublishingStream", _SE(js_startPublishingStream));
  ns->defineFunction("stopPublishingStream", _SE(js_stopPublishingStream));
  ns->defineFunction("startPreview", _SE(js_startPreview));
  ns->defineFunction("stopPreview", _SE(js_stopPreview));
  ns->defineFunction("setVideoConfig", _SE(js_setVideoConfig));
  ns->defineFunction("setVideoSource", _SE(js_setVideoSource));
  ns->defineFunction("setAudioSource", _SE(js_setAudioSource));
  ns->defineFunction("setVideoMirrorMode", _SE(js_setVideoMirrorMode));
  ns->defineFunction("enableCamera", _SE(js_enableCamera));
  ns->defineFunction("muteMicrophone", _SE(js_muteMicrophone));
  ns->defineFunction("mutePublishStreamAudio", _SE(js_mutePublishStreamAudio));
  ns->defineFunction("mutePublishStreamVideo", _SE(js_mutePublishStreamVideo));
  ns->defineFunction("sendCustomVideoFrame", _SE(js_sendCustomVideoFrame));
  ns->defineFunction("sendCustomAudioPCM", _SE(js_sendCustomAudioPCM));
  ns->defineFunction("startPlayingStream", _SE(js_startPlayingStream));
  ns->defineFunction("stopPlayingStream", _SE(js_stopPlayingStream));
  ns->defineFunction("mutePlayStreamAudio", _SE(js_mutePlayStreamAudio));
  ns->defineFunction("mutePlayStreamVideo", _SE(js_mutePlayStreamVideo));
  ns->defineFunction("muteSpeaker", _SE(js_muteSpeaker));
  ns->defineFunction("setAudioOutput", _SE(js_setAudioOutput));
  ns->defineFunction("fetchAudioPCM", _SE(js_fetchAudioPCM));
  ns->defineFunction("createView", _SE(js_createView));
  ns->defineFunction("acquireView", _SE(js_acquireView));
  ns->defineFunction("releaseView", _SE(js_releaseView));
  ns->defineFunction("destroyView", _SE(js_destroyView));
  ns->defineFunction("startServer", _SE(js_startServer));
  ns->defineFunction("stopServer", _SE(js_stopServer));
  global->setProperty("parleyNative", se::Value(ns));
  return true;
}

static void load_parley_glue() {
  using namespace cc::plugin;
  static Listener listener(BusType::SCRIPT_ENGINE);
  listener.receive([](ScriptEngineEvent event) {
    if (event == ScriptEngineEvent::POST_INIT) {
      se::ScriptEngine::getInstance()->addRegisterCallback(parley_register_native);
    }
  });
}

// The first argument matches the module target in cc_plugin.json.
CC_PLUGIN_ENTRY(parley_glue, load_parley_glue);
