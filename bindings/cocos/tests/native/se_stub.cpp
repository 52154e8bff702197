/*
 * STUB — not Cocos Creator: the implementation of stubs/bindings/jswrapper/SeApi.h,
 * an in-memory stand-in for the engine's se:: API, for running
 * native/src/parley_glue.cpp against libparley outside the engine.
 */
#include "bindings/jswrapper/SeApi.h"

namespace se {

int Object::externalFrees = 0;

Value::Value(const Value &v) : _type(v._type), _number(v._number), _string(v._string), _object(v._object) {
  if (_object != nullptr) _object->incRef();
}

Value &Value::operator=(const Value &v) {
  if (this == &v) return *this;
  if (v._object != nullptr) v._object->incRef();
  release();
  _type = v._type;
  _number = v._number;
  _string = v._string;
  _object = v._object;
  return *this;
}

Value::~Value() { release(); }

Value::Value(Object *o, bool) : _type(o != nullptr ? Type::Object : Type::Null), _object(o) {
  if (o != nullptr) o->incRef();
}

Value::Value(const HandleObject &o, bool autoRootUnroot) : Value(o.get(), autoRootUnroot) {}

void Value::release() {
  Object *o = _object;
  _object = nullptr;
  if (o != nullptr) o->decRef();
}

void Value::setUndefined() { *this = Value(); }

void Value::setNull() {
  release();
  _type = Type::Null;
}

void Value::setBoolean(bool v) { *this = Value(v); }

bool Value::toBoolean() const {
  switch (_type) {
    case Type::Boolean:
    case Type::Number:
      return _number != 0;
    case Type::String:
      return !_string.empty();
    case Type::Object:
      return true;
    default:
      return false;
  }
}

Object::Backing::~Backing() {
  if (free != nullptr) {
    free(data, length, userData);
    Object::externalFrees++;
  }
}

Object *Object::createPlainObject() { return new Object(Kind::Plain); }

Object *Object::createArrayObject(size_t length) {
  auto *o = new Object(Kind::Array);
  o->_items.resize(length);
  return o;
}

Object *Object::createExternalArrayBufferObject(void *contents, size_t byteLength, BufferContentsFreeFunc freeFunc,
                                                void *freeUserData) {
  auto *o = new Object(Kind::ArrayBuffer);
  o->_backing = std::make_shared<Backing>();
  o->_backing->data = contents;
  o->_backing->length = byteLength;
  o->_backing->free = freeFunc;
  o->_backing->userData = freeUserData;
  return o;
}

Object *Object::createTypedArrayWithBuffer(TypedArrayType type, const Object *obj) {
  if (obj == nullptr || obj->_kind != Kind::ArrayBuffer) return nullptr;
  auto *o = new Object(Kind::TypedArray);
  o->_backing = obj->_backing;
  o->_typedType = type;
  return o;
}

bool Object::getProperty(const char *name, Value *value) {
  auto it = _props.find(name);
  if (it == _props.end()) {
    value->setUndefined();
    return false;
  }
  *value = it->second;
  return true;
}

bool Object::setProperty(const char *name, const Value &value) {
  _props[name] = value;
  return true;
}

bool Object::defineFunction(const char *funcName, se_function_ptr func) {
  HandleObject f(new Object(Kind::Function));
  f->_function = func;
  return setProperty(funcName, Value(f));
}

bool Object::getArrayLength(uint32_t *length) const {
  *length = static_cast<uint32_t>(_items.size());
  return _kind == Kind::Array;
}

bool Object::getArrayElement(uint32_t index, Value *data) const {
  if (_kind != Kind::Array || index >= _items.size()) return false;
  *data = _items[index];
  return true;
}

bool Object::setArrayElement(uint32_t index, const Value &data) {
  if (_kind != Kind::Array) return false;
  if (index >= _items.size()) _items.resize(index + 1);
  _items[index] = data;
  return true;
}

bool Object::getTypedArrayData(uint8_t **ptr, size_t *length) const {
  if (_kind != Kind::TypedArray || !_backing) return false;
  *ptr = static_cast<uint8_t *>(_backing->data);
  *length = _backing->length;
  return true;
}

void Object::decRef() {
  if (--_refs == 0) delete this;
}

bool Object::call(const ValueArray &args, Object *, Value *rval) {
  if (_function == nullptr) return false;
  State s(args);
  bool ok = _function(s);
  if (rval != nullptr) *rval = s.rval();
  return ok;
}

ScriptEngine *ScriptEngine::getInstance() {
  static ScriptEngine engine;
  return &engine;
}

bool ScriptEngine::start(Object *global) {
  for (auto cb : _callbacks)
    if (!cb(global)) return false;
  return true;
}

}  // namespace se
