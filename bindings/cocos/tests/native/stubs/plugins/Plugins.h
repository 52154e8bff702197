/*
 * STUB — not Cocos Creator. Stands in for the engine's plugins/Plugins.h so
 * that native/src/parley_glue.cpp can be compiled and run outside the engine
 * (tests/native/glue_check.cpp). Same macro as the engine's, CC_PLUGIN_STATIC
 * flavour.
 */
#pragma once
#include "plugins/bus/EventBus.h"

#define CC_PLUGIN_ENTRY(name, load_func) \
  extern "C" void cc_load_plugin_##name() { load_func(); }
