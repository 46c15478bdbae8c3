// Module entry: process-level functions (threads, devices, version, table bookkeeping) and the
// registration of every op group. No model logic lives in the addon.
#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <ATen/Context.h>
#include <torch/csrc/api/include/torch/version.h>

#include "registry.h"

using namespace yt;

static Napi::Object Init(Napi::Env env, Napi::Object e) {
  def_void(env, e, "release", [](const Info& i) { release(static_cast<int32_t>(I(i, 0))); });
  def_void(env, e, "releaseMany", [](const Info& i) {
    auto arr = i[0].As<Napi::Array>();
    for (uint32_t k = 0; k < arr.Length(); ++k) release(arr.Get(k).As<Napi::Number>().Int32Value());
  });
  def_value(env, e, "liveCount", [](const Info& i) -> Napi::Value { return Napi::Number::New(i.Env(), static_cast<double>(live_count())); });
  def_value(env, e, "lastError", [](const Info& i) -> Napi::Value { return Napi::String::New(i.Env(), last_error()); });
  def_void(env, e, "setNumThreads", [](const Info& i) { at::set_num_threads(static_cast<int>(I(i, 0))); });
  def_value(env, e, "getNumThreads", [](const Info& i) -> Napi::Value { return Napi::Number::New(i.Env(), at::get_num_threads()); });
  def_value(env, e, "cudaDeviceCount", [](const Info& i) -> Napi::Value {
    return Napi::Number::New(i.Env(), at::globalContext().hasCUDA() ? static_cast<double>(at::detail::getCUDAHooks().getNumGPUs()) : 0);
  });
  def_value(env, e, "version", [](const Info& i) -> Napi::Value { return Napi::String::New(i.Env(), TORCH_VERSION); });
  def_value(env, e, "parallelInfo", [](const Info& i) -> Napi::Value { return Napi::String::New(i.Env(), at::get_parallel_info()); });
  register_generators(env, e);
  register_create(env, e);
  register_math(env, e);
  register_shape(env, e);
  register_nn(env, e);
  register_autograd(env, e);
  register_dist(env, e);
  return e;
}

NODE_API_MODULE(yolotrim_native, Init)
