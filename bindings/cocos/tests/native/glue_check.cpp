/*
 * glue_check — runs the Cocos plugin's C++ glue (native/src/parley_glue.cpp)
 * against build/libparley.so, with the stub se:: engine of stubs/ in place
 * of Cocos' script engine: the plugin loads, `parleyNative` appears on the
 * global object, and a call through it works — two engines, red frames in,
 * red pixels in the view buffer handed out without a copy, events in order,
 * bad arguments answered with codes, view memory freed once both the
 * library and the script let go. What it cannot show: that the real engine's
 * se:: behaves like the stub (docs/bindings.md).
 */
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <string>
#include <thread>
#include <vector>

#include "bindings/jswrapper/SeApi.h"
#include "parley.h"
#include "plugins/bus/EventBus.h"

extern "C" void cc_load_plugin_parley_glue();

namespace {

int checks = 0;

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      std::fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
      std::exit(1);                                                        \
    }                                                                      \
    checks++;                                                              \
  } while (0)

se::Object *g_native = nullptr;

se::Value call(const char *fn, std::initializer_list<se::Value> args) {
  se::Value f;
  if (!g_native->getProperty(fn, &f) || !f.isObject()) {
    std::fprintf(stderr, "parleyNative.%s is missing\n", fn);
    std::exit(1);
  }
  se::Value rval;
  CHECK(f.toObject()->call(se::ValueArray(args), nullptr, &rval));
  return rval;
}

int32_t code(const char *fn, std::initializer_list<se::Value> args) { return call(fn, args).toInt32(); }

se::Value num(double v) { return se::Value(v); }
se::Value str(const char *s) { return se::Value(s); }

double prop(se::Object *o, const char *name) {
  se::Value v;
  o->getProperty(name, &v);
  return v.toDouble();
}

std::string sprop(se::Object *o, const char *name) {
  se::Value v;
  o->getProperty(name, &v);
  return v.toString();
}

se::Value newObject() {
  se::HandleObject o(se::Object::createPlainObject());
  return se::Value(o);
}

se::Value newArray() {
  se::HandleObject o(se::Object::createArrayObject(0));
  return se::Value(o);
}

/** A Uint8Array over caller memory, as a script's typed array would be. */
se::Value uint8Array(std::vector<uint8_t> &bytes) {
  se::HandleObject buf(se::Object::createExternalArrayBufferObject(bytes.data(), bytes.size(), nullptr));
  se::HandleObject arr(se::Object::createTypedArrayWithBuffer(se::Object::TypedArrayType::UINT8, buf.get()));
  return se::Value(arr);
}

struct Engine {
  double handle = 0;
  std::vector<std::string> lines;  // "type key=value"
};

void poll(Engine &e) {
  se::Value out = newArray();
  CHECK(code("pollEvents", {num(e.handle), out}) == PARLEY_OK);
  uint32_t n = 0;
  out.toObject()->getArrayLength(&n);
  for (uint32_t i = 0; i < n; i++) {
    se::Value ev;
    out.toObject()->getArrayElement(i, &ev);
    se::Object *o = ev.toObject();
    std::string type = sprop(o, "type"), line = type;
    if (type == "roomStateChanged") line += " " + std::to_string(static_cast<int>(prop(o, "reason")));
    if (type == "playerStateUpdate" || type == "publisherStateUpdate")
      line += " " + sprop(o, "streamID") + " " + std::to_string(static_cast<int>(prop(o, "state")));
    if (type == "roomStreamUpdate") {
      se::Value streams;
      o->getProperty("streams", &streams);
      se::Value first;
      streams.toObject()->getArrayElement(0, &first);
      line += " " + std::to_string(static_cast<int>(prop(o, "updateType"))) + " " + sprop(first.toObject(), "streamID") +
              " " + sprop(first.toObject(), "userID");
    }
    if (type == "debugError") line += " " + std::to_string(static_cast<int>(prop(o, "errorCode"))) + " " + sprop(o, "funcName");
    e.lines.push_back(line);
  }
}

bool has(const Engine &e, const std::string &line) {
  for (const auto &l : e.lines)
    if (l == line) return true;
  return false;
}

long indexOf(const Engine &e, const std::string &line) {
  for (size_t i = 0; i < e.lines.size(); i++)
    if (e.lines[i] == line) return static_cast<long>(i);
  return -1;
}

void sleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

}  // namespace

int main() {
  // What the engine does at start: load plugins, start the script engine.
  cc_load_plugin_parley_glue();
  cc::plugin::Listener::dispatch(cc::plugin::ScriptEngineEvent::POST_INIT);
  se::HandleObject global(se::Object::createPlainObject());
  CHECK(se::ScriptEngine::getInstance()->start(global.get()));
  se::Value nativeValue;
  CHECK(global->getProperty("parleyNative", &nativeValue) && nativeValue.isObject());
  g_native = nativeValue.toObject();

  CHECK(code("abiVersion", {}) == PARLEY_ABI_VERSION);
  CHECK(call("errorName", {num(PARLEY_ERR_INVALID_ROOM_ID)}).toString() == "PARLEY_ERR_INVALID_ROOM_ID");

  se::Value serverOut = newObject();
  CHECK(code("startServer", {se::Value(), serverOut}) == PARLEY_OK);
  std::string url = sprop(serverOut.toObject(), "url");
  CHECK(url.rfind("ws://127.0.0.1:", 0) == 0);

  Engine a, b;
  for (Engine *e : {&a, &b}) {
    se::Value profile = newObject(), out = newObject();
    profile.toObject()->setProperty("appID", num(PARLEY_DEV_APP_ID));
    profile.toObject()->setProperty("appSign", str(PARLEY_DEV_APP_SIGN));
    profile.toObject()->setProperty("scenario", num(PARLEY_SCENARIO_STANDARD_VIDEO_CALL));
    profile.toObject()->setProperty("server", str(url.c_str()));
    CHECK(code("createEngine", {profile, out}) == PARLEY_OK);
    e->handle = prop(out.toObject(), "handle");
    CHECK(e->handle > 0);
  }

  // Bad arguments: codes back, and the same failures as debugError events.
  CHECK(code("loginRoom", {num(a.handle), num(42), str("alice"), str(""), se::Value()}) == PARLEY_ERR_INVALID_ARGUMENT);
  CHECK(code("loginRoom", {num(a.handle), str("a room"), str("alice"), str(""), se::Value()}) == PARLEY_ERR_INVALID_ROOM_ID);
  CHECK(code("startPlayingStream", {num(a.handle), str("s"), num(0)}) == PARLEY_ERR_NOT_LOGGED_IN);
  se::Value badView = newObject();
  CHECK(code("createView", {num(0), num(10), num(0), se::Value(false), badView}) == PARLEY_ERR_INVALID_ARGUMENT);
  CHECK(code("loginRoom", {num(12345), str("room"), str("alice"), str(""), se::Value()}) == PARLEY_ERR_INVALID_HANDLE);
  poll(a);
  CHECK(has(a, "debugError " + std::to_string(PARLEY_ERR_INVALID_ARGUMENT) + " parley_login_room"));
  CHECK(has(a, "debugError " + std::to_string(PARLEY_ERR_INVALID_ROOM_ID) + " parley_login_room"));
  CHECK(has(a, "debugError " + std::to_string(PARLEY_ERR_NOT_LOGGED_IN) + " parley_start_playing_stream"));

  se::Value config = newObject();
  config.toObject()->setProperty("isUserStatusNotify", se::Value(true));
  CHECK(code("loginRoom", {num(a.handle), str("glue_room"), str("alice"), str("Alice"), config}) == PARLEY_OK);
  CHECK(code("loginRoom", {num(b.handle), str("glue_room"), str("bob"), str("Bob"), config}) == PARLEY_OK);
  for (int i = 0; i < 500 && !(has(a, "roomStateChanged 1") && has(b, "roomStateChanged 1")); i++) {
    poll(a), poll(b);
    sleepMs(10);
  }
  CHECK(indexOf(a, "roomStateChanged 0") >= 0 && indexOf(a, "roomStateChanged 0") < indexOf(a, "roomStateChanged 1"));

  CHECK(code("setVideoSource", {num(a.handle), num(PARLEY_VIDEO_SOURCE_CUSTOM), num(0)}) == PARLEY_OK);
  CHECK(code("startPublishingStream", {num(a.handle), str("glue_stream"), num(0)}) == PARLEY_OK);

  const int W = 160, H = 120;
  se::Value viewOut = newObject();
  CHECK(code("createView", {num(W), num(H), num(PARLEY_VIEW_MODE_ASPECT_FIT), se::Value(false), viewOut}) == PARLEY_OK);
  double view = prop(viewOut.toObject(), "handle");
  se::Value pixels;
  viewOut.toObject()->getProperty("pixels", &pixels);
  uint8_t *pix = nullptr;
  size_t pixLen = 0;
  CHECK(pixels.isObject() && pixels.toObject()->getTypedArrayData(&pix, &pixLen) && pixLen == size_t(W) * H * 4);
  CHECK(code("startPlayingStream", {num(b.handle), str("glue_stream"), num(view)}) == PARLEY_OK);

  std::vector<uint8_t> red(320 * 240 * 4);
  for (size_t i = 0; i < red.size(); i += 4) red[i] = 255, red[i + 1] = 0, red[i + 2] = 0, red[i + 3] = 255;
  se::Value redArray = uint8Array(red);
  bool sawRed = false;
  se::Value info = newObject();
  for (int i = 0; i < 500 && !sawRed; i++) {
    code("sendCustomVideoFrame", {num(a.handle), redArray, num(320), num(240), num(320 * 4), num(0), num(0)});
    poll(a), poll(b);
    if (code("acquireView", {num(view), info}) == PARLEY_OK) {
      const uint8_t *c = pix + (size_t(H / 2) * W + W / 2) * 4;
      sawRed = prop(info.toObject(), "seq") > 0 && c[0] > 200 && c[1] < 60 && c[2] < 60 && c[3] == 255;
      CHECK(code("releaseView", {num(view)}) == PARLEY_OK);
    }
    sleepMs(20);
  }
  CHECK(sawRed);
  CHECK(has(b, "roomStreamUpdate 0 glue_stream alice"));
  CHECK(indexOf(b, "playerStateUpdate glue_stream 1") < indexOf(b, "playerStateUpdate glue_stream 2"));
  CHECK(indexOf(a, "publisherStateUpdate glue_stream 1") < indexOf(a, "publisherStateUpdate glue_stream 2"));
  // A too-short frame is answered like NULL, never read past its end.
  std::vector<uint8_t> small(16);
  se::Value smallArray = uint8Array(small);
  CHECK(code("sendCustomVideoFrame", {num(a.handle), smallArray, num(320), num(240), num(1280), num(0), num(0)}) ==
        PARLEY_ERR_INVALID_ARGUMENT);

  // The view buffer lives until both the library and the script let go.
  int freesBefore = se::Object::externalFrees;
  CHECK(code("stopPlayingStream", {num(b.handle), str("glue_stream")}) == PARLEY_OK);
  CHECK(code("destroyView", {num(view)}) == PARLEY_OK);
  CHECK(se::Object::externalFrees == freesBefore);
  pix[0] = 1;  // still valid memory: the script's Uint8Array holds it
  viewOut = se::Value();
  pixels = se::Value();
  CHECK(se::Object::externalFrees == freesBefore + 1);
  CHECK(code("destroyView", {num(view)}) == PARLEY_ERR_INVALID_HANDLE);

  CHECK(code("destroyEngine", {num(a.handle)}) == PARLEY_OK);
  CHECK(code("destroyEngine", {num(b.handle)}) == PARLEY_OK);
  CHECK(code("destroyEngine", {num(a.handle)}) == PARLEY_ERR_INVALID_HANDLE);
  CHECK(code("stopServer", {num(prop(serverOut.toObject(), "handle"))}) == PARLEY_OK);
  std::printf("glue_check: %d checks passed\n", checks);
  return 0;
}
