#include "registry.h"

#include <cmath>
#include <stdexcept>

namespace yt {

namespace {
std::vector<at::Tensor> slots;
std::vector<int32_t> free_slots;
int64_t live = 0;
std::string error_text;
std::vector<c10::optional<at::Generator>> generators;

const at::ScalarType kDtypes[] = {
    at::kFloat, at::kHalf, at::kLong, at::kInt, at::kByte, at::kBool, at::kDouble, at::kBFloat16,
};
}  // namespace

int32_t store(at::Tensor t) {
  if (!t.defined()) throw std::runtime_error("op returned an undefined tensor");
  ++live;
  if (!free_slots.empty()) {
    int32_t h = free_slots.back();
    free_slots.pop_back();
    slots[h] = std::move(t);
    return h;
  }
  slots.push_back(std::move(t));
  return static_cast<int32_t>(slots.size() - 1);
}

at::Tensor& tensor(int32_t h) {
  if (h < 0 || static_cast<size_t>(h) >= slots.size() || !slots[h].defined()) {
    throw std::invalid_argument("invalid tensor handle " + std::to_string(h) + " (disposed?)");
  }
  return slots[h];
}

void release(int32_t h) {
  if (h < 0 || static_cast<size_t>(h) >= slots.size() || !slots[h].defined()) return;
  slots[h] = at::Tensor();
  free_slots.push_back(h);
  --live;
}

int64_t live_count() { return live; }

void set_error(const std::exception& e) {
  if (auto* c10e = dynamic_cast<const c10::Error*>(&e)) {
    error_text = c10e->what_without_backtrace();
  } else {
    error_text = e.what();
  }
}

const std::string& last_error() { return error_text; }

c10::optional<at::Generator> generator_arg(const Info& info, size_t i) {
  if (info.Length() <= i || !info[i].IsNumber()) return c10::nullopt;
  int32_t id = info[i].As<Napi::Number>().Int32Value();
  if (id < 0) return c10::nullopt;
  if (static_cast<size_t>(id) >= generators.size() || !generators[id]) {
    throw std::invalid_argument("invalid generator handle " + std::to_string(id));
  }
  return generators[id];
}

void register_generators(Napi::Env env, Napi::Object exports) {
  def_value(env, exports, "generatorNew", [](const Info& info) -> Napi::Value {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(I(info, 0)));
    generators.push_back(gen);
    return Napi::Number::New(info.Env(), static_cast<double>(generators.size() - 1));
  });
  def_void(env, exports, "generatorFree", [](const Info& info) {
    int32_t id = static_cast<int32_t>(I(info, 0));
    if (id >= 0 && static_cast<size_t>(id) < generators.size()) generators[id] = c10::nullopt;
  });
  def_void(env, exports, "manualSeed", [](const Info& info) {
    at::manual_seed(static_cast<uint64_t>(I(info, 0)));
  });
}

at::Tensor& T(const Info& info, size_t i) { return tensor(info[i].As<Napi::Number>().Int32Value()); }

c10::optional<at::Tensor> OT(const Info& info, size_t i) {
  if (info.Length() <= i || !info[i].IsNumber()) return c10::nullopt;
  int32_t h = info[i].As<Napi::Number>().Int32Value();
  if (h < 0) return c10::nullopt;
  return tensor(h);
}

std::vector<at::Tensor> TL(const Info& info, size_t i) {
  auto arr = info[i].As<Napi::Array>();
  std::vector<at::Tensor> out;
  out.reserve(arr.Length());
  for (uint32_t k = 0; k < arr.Length(); ++k) {
    out.push_back(tensor(arr.Get(k).As<Napi::Number>().Int32Value()));
  }
  return out;
}

int64_t I(const Info& info, size_t i) { return info[i].As<Napi::Number>().Int64Value(); }
double D(const Info& info, size_t i) { return info[i].As<Napi::Number>().DoubleValue(); }

at::Scalar S(const Info& info, size_t i) {
  double v = D(info, i);
  if (std::nearbyint(v) == v && std::fabs(v) < 9.007199254740992e15) return at::Scalar(static_cast<int64_t>(v));
  return at::Scalar(v);
}

c10::optional<double> OD(const Info& info, size_t i) {
  if (info.Length() <= i || !info[i].IsNumber()) return c10::nullopt;
  return info[i].As<Napi::Number>().DoubleValue();
}

bool B(const Info& info, size_t i) { return info[i].As<Napi::Boolean>().Value(); }

std::vector<int64_t> IL(const Info& info, size_t i) {
  auto arr = info[i].As<Napi::Array>();
  std::vector<int64_t> out(arr.Length());
  for (uint32_t k = 0; k < arr.Length(); ++k) out[k] = arr.Get(k).As<Napi::Number>().Int64Value();
  return out;
}

at::ScalarType dtype_arg(const Info& info, size_t i) {
  int64_t code = I(info, i);
  if (code < 0 || code >= static_cast<int64_t>(sizeof(kDtypes) / sizeof(kDtypes[0]))) {
    throw std::invalid_argument("unknown dtype code " + std::to_string(code));
  }
  return kDtypes[code];
}

int32_t dtype_code(at::ScalarType t) {
  for (size_t k = 0; k < sizeof(kDtypes) / sizeof(kDtypes[0]); ++k) {
    if (kDtypes[k] == t) return static_cast<int32_t>(k);
  }
  throw std::invalid_argument(std::string("unsupported dtype ") + c10::toString(t));
}

c10::Device device_arg(const Info& info, size_t i) { return c10::Device(info[i].As<Napi::String>().Utf8Value()); }

at::TensorOptions options_arg(const Info& info, size_t dtype_i, size_t device_i) {
  return at::TensorOptions().dtype(dtype_arg(info, dtype_i)).device(device_arg(info, device_i));
}

void def(Napi::Env env, Napi::Object exports, const char* name, TensorFn fn) {
  exports.Set(name, Napi::Function::New(env, [fn](const Info& info) -> Napi::Value {
    try {
      return Napi::Number::New(info.Env(), store(fn(info)));
    } catch (const std::exception& e) {
      set_error(e);
      return Napi::Number::New(info.Env(), -1);
    }
  }, name));
}

void def_multi(Napi::Env env, Napi::Object exports, const char* name, TensorsFn fn) {
  exports.Set(name, Napi::Function::New(env, [fn](const Info& info) -> Napi::Value {
    try {
      auto ts = fn(info);
      auto arr = Napi::Array::New(info.Env(), ts.size());
      for (size_t k = 0; k < ts.size(); ++k) arr.Set(static_cast<uint32_t>(k), store(std::move(ts[k])));
      return arr;
    } catch (const std::exception& e) {
      set_error(e);
      return info.Env().Null();
    }
  }, name));
}

void def_value(Napi::Env env, Napi::Object exports, const char* name, ValueFn fn) {
  exports.Set(name, Napi::Function::New(env, [fn](const Info& info) -> Napi::Value {
    try {
      return fn(info);
    } catch (const std::exception& e) {
      set_error(e);
      return info.Env().Undefined();
    }
  }, name));
}

void def_void(Napi::Env env, Napi::Object exports, const char* name, VoidFn fn) {
  exports.Set(name, Napi::Function::New(env, [fn](const Info& info) -> Napi::Value {
    try {
      fn(info);
      return Napi::Boolean::New(info.Env(), true);
    } catch (const std::exception& e) {
      set_error(e);
      return Napi::Boolean::New(info.Env(), false);
    }
  }, name));
}

}  // namespace yt
