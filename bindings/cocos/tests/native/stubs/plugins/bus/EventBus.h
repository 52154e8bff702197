/*
 * STUB — not Cocos Creator. The part of the engine's plugins/bus/EventBus.h
 * that parley_glue.cpp uses (Listener, BusType, ScriptEngineEvent), for the
 * compile and run check outside the engine only.
 */
#pragma once
#include <functional>
#include <vector>

namespace cc {
namespace plugin {

enum class BusType { SCRIPT_ENGINE };
enum class ScriptEngineEvent { PRE_INIT, POST_INIT, PRE_CLOSE, POST_CLOSE };

class Listener {
 public:
  explicit Listener(BusType) {}
  template <typename Fn>
  void receive(Fn fn) { handlers().push_back(fn); }
  /** Stub only: what the engine does when its script engine starts. */
  static void dispatch(ScriptEngineEvent ev) {
    for (auto &h : handlers()) h(ev);
  }

 private:
  static std::vector<std::function<void(ScriptEngineEvent)>> &handlers() {
    static std::vector<std::function<void(ScriptEngineEvent)>> h;
    return h;
  }
};

}  // namespace plugin
}  // namespace cc
