// Shared plumbing of the addon: the tensor table (JS holds integer handles, never GC-owned
// objects), the last-error slot, argument readers and the op registration helpers.
#pragma once
#include <napi.h>
#include <ATen/ATen.h>

#include <string>
#include <vector>

namespace yt {

using Info = Napi::CallbackInfo;

// ---- tensor table -------------------------------------------------------------------------
int32_t store(at::Tensor t);          // adds a tensor, returns its handle
at::Tensor& tensor(int32_t handle);   // throws std::invalid_argument on a stale or unknown handle
void release(int32_t handle);
int64_t live_count();

// ---- last error ---------------------------------------------------------------------------
void set_error(const std::exception& e);
const std::string& last_error();

// ---- generators ---------------------------------------------------------------------------
c10::optional<at::Generator> generator_arg(const Info& info, size_t i);  // -1/undefined: default
void register_generators(Napi::Env env, Napi::Object exports);

// ---- argument readers (TypeScript validates; these only convert) --------------------------
at::Tensor& T(const Info& info, size_t i);
c10::optional<at::Tensor> OT(const Info& info, size_t i);  // handle < 0, null or undefined: none
std::vector<at::Tensor> TL(const Info& info, size_t i);
int64_t I(const Info& info, size_t i);
double D(const Info& info, size_t i);
// A JS number as a Scalar: integral values become integer scalars so int tensors stay integral.
at::Scalar S(const Info& info, size_t i);
c10::optional<double> OD(const Info& info, size_t i);
bool B(const Info& info, size_t i);
std::vector<int64_t> IL(const Info& info, size_t i);
at::ScalarType dtype_arg(const Info& info, size_t i);
c10::Device device_arg(const Info& info, size_t i);
at::TensorOptions options_arg(const Info& info, size_t dtype_i, size_t device_i);
int32_t dtype_code(at::ScalarType t);

// ---- registration -------------------------------------------------------------------------
// Each kind of op reports failure in its own way, checked by the TypeScript wrapper:
//   tensor op -> handle, or -1;  tensors op -> array of handles, or null;
//   value op  -> any value, or undefined;  void op -> true, or false.
using TensorFn = at::Tensor (*)(const Info&);
using TensorsFn = std::vector<at::Tensor> (*)(const Info&);
using ValueFn = Napi::Value (*)(const Info&);
using VoidFn = void (*)(const Info&);

void def(Napi::Env env, Napi::Object exports, const char* name, TensorFn fn);
void def_multi(Napi::Env env, Napi::Object exports, const char* name, TensorsFn fn);
void def_value(Napi::Env env, Napi::Object exports, const char* name, ValueFn fn);
void def_void(Napi::Env env, Napi::Object exports, const char* name, VoidFn fn);

void register_create(Napi::Env env, Napi::Object exports);
void register_math(Napi::Env env, Napi::Object exports);
void register_shape(Napi::Env env, Napi::Object exports);
void register_nn(Napi::Env env, Napi::Object exports);
void register_autograd(Napi::Env env, Napi::Object exports);
void register_dist(Napi::Env env, Napi::Object exports);

}  // namespace yt
