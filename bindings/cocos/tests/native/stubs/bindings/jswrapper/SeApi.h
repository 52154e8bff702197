/*
 * STUB — not Cocos Creator. A small in-memory stand-in for the engine's se::
 * script engine API (bindings/jswrapper/SeApi.h), with the names and
 * signatures parley_glue.cpp uses as documented for Cocos Creator 3.8
 * (se::Value, se::Object, se::HandleObject, se::State, se::ScriptEngine,
 * SE_BIND_FUNC/_SE), so that the glue can be compiled and run against
 * libparley outside the engine (tests/native/glue_check.cpp). Nothing here is
 * shipped or used inside Cocos; in the engine the real header is used.
 */
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace se {

class Object;
class State;
class HandleObject;

class Value {
 public:
  enum class Type : char { Undefined = 0, Null, Number, Boolean, String, Object };
  Value() = default;
  Value(const Value &v);
  Value &operator=(const Value &v);
  ~Value();
  explicit Value(bool v) : _type(Type::Boolean), _number(v ? 1 : 0) {}
  explicit Value(int32_t v) : _type(Type::Number), _number(v) {}
  explicit Value(uint32_t v) : _type(Type::Number), _number(v) {}
  explicit Value(double v) : _type(Type::Number), _number(v) {}
  explicit Value(const char *v) : _type(Type::String), _string(v) {}
  explicit Value(const std::string &v) : _type(Type::String), _string(v) {}
  explicit Value(Object *o, bool autoRootUnroot = false);
  explicit Value(const HandleObject &o, bool autoRootUnroot = false);

  void setUndefined();
  void setNull();
  void setBoolean(bool v);
  void setInt32(int32_t v) { *this = Value(v); }
  void setUint32(uint32_t v) { *this = Value(v); }
  void setDouble(double v) { *this = Value(v); }
  void setString(const char *v) { *this = Value(v); }
  void setString(const std::string &v) { *this = Value(v); }
  void setObject(Object *o, bool autoRootUnroot = false) { *this = Value(o, autoRootUnroot); }

  int32_t toInt32() const { return static_cast<int32_t>(static_cast<int64_t>(_number)); }
  uint32_t toUint32() const { return static_cast<uint32_t>(static_cast<int64_t>(_number)); }
  double toDouble() const { return _number; }
  bool toBoolean() const;
  const std::string &toString() const { return _string; }
  Object *toObject() const { return _object; }

  Type getType() const { return _type; }
  bool isNumber() const { return _type == Type::Number; }
  bool isString() const { return _type == Type::String; }
  bool isObject() const { return _type == Type::Object; }
  bool isBoolean() const { return _type == Type::Boolean; }
  bool isUndefined() const { return _type == Type::Undefined; }
  bool isNull() const { return _type == Type::Null; }
  bool isNullOrUndefined() const { return isNull() || isUndefined(); }

 private:
  void release();
  Type _type = Type::Undefined;
  double _number = 0;
  std::string _string;
  Object *_object = nullptr;
};

using ValueArray = std::vector<Value>;

class State {
 public:
  explicit State(const ValueArray &args) : _args(args) {}
  const ValueArray &args() const { return _args; }
  Value &rval() { return _rval; }

 private:
  const ValueArray &_args;
  Value _rval;
};

using se_function_ptr = bool (*)(State &);

class Object {
 public:
  enum class TypedArrayType { NONE, INT8, INT16, INT32, UINT8, UINT8_CLAMPED, UINT16, UINT32, FLOAT32, FLOAT64 };
  using BufferContentsFreeFunc = void (*)(void *contents, size_t byteLength, void *userData);

  static Object *createPlainObject();
  static Object *createArrayObject(size_t length);
  static Object *createExternalArrayBufferObject(void *contents, size_t byteLength, BufferContentsFreeFunc freeFunc,
                                                 void *freeUserData = nullptr);
  static Object *createTypedArrayWithBuffer(TypedArrayType type, const Object *obj);

  bool getProperty(const char *name, Value *value);
  bool setProperty(const char *name, const Value &value);
  bool defineFunction(const char *funcName, se_function_ptr func);

  bool isArray() const { return _kind == Kind::Array; }
  bool getArrayLength(uint32_t *length) const;
  bool getArrayElement(uint32_t index, Value *data) const;
  bool setArrayElement(uint32_t index, const Value &data);

  bool isTypedArray() const { return _kind == Kind::TypedArray; }
  TypedArrayType getTypedArrayType() const { return _typedType; }
  bool getTypedArrayData(uint8_t **ptr, size_t *length) const;
  bool isArrayBuffer() const { return _kind == Kind::ArrayBuffer; }
  bool isFunction() const { return _function != nullptr; }

  void incRef() { _refs++; }
  void decRef();
  void root() {}
  void unroot() {}

  /** Stub only: calls a function object with these arguments. */
  bool call(const ValueArray &args, Object *thisObject, Value *rval = nullptr);
  /** Stub only: buffers released through their free function so far. */
  static int externalFrees;

 private:
  enum class Kind { Plain, Array, ArrayBuffer, TypedArray, Function };
  struct Backing {
    void *data = nullptr;
    size_t length = 0;
    BufferContentsFreeFunc free = nullptr;
    void *userData = nullptr;
    ~Backing();
  };
  explicit Object(Kind k) : _kind(k) {}
  Kind _kind;
  int _refs = 1;
  std::map<std::string, Value> _props;
  std::vector<Value> _items;
  std::shared_ptr<Backing> _backing;
  TypedArrayType _typedType = TypedArrayType::NONE;
  se_function_ptr _function = nullptr;
};

class HandleObject {
 public:
  HandleObject(Object *obj) : _obj(obj) {}
  ~HandleObject() {
    if (_obj != nullptr) _obj->decRef();
  }
  Object *operator->() const { return _obj; }
  Object *get() const { return _obj; }
  bool isEmpty() const { return _obj == nullptr; }
  HandleObject(const HandleObject &) = delete;
  void operator=(const HandleObject &) = delete;

 private:
  Object *_obj;
};

class ScriptEngine {
 public:
  using RegisterCallback = bool (*)(Object *);
  static ScriptEngine *getInstance();
  void addRegisterCallback(RegisterCallback cb) { _callbacks.push_back(cb); }
  /** Stub only: runs the register callbacks with the global object, as the engine does at start. */
  bool start(Object *global);

 private:
  std::vector<RegisterCallback> _callbacks;
};

}  // namespace se

#define _SE(name) name##Registry
#define SE_BIND_FUNC(funcName) \
  bool funcName##Registry(se::State &s) { return funcName(s); }
