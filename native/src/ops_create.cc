// Tensor creation and the copies between JS typed arrays and tensors.
#include <cstring>

#include "registry.h"

namespace yt {

namespace {

Napi::Value to_buffer(const Info& info) {
  at::Tensor t = T(info, 0).detach().to(at::kCPU).contiguous();
  size_t bytes = t.numel() * t.element_size();
  auto buf = Napi::ArrayBuffer::New(info.Env(), bytes);
  if (bytes) std::memcpy(buf.Data(), t.data_ptr(), bytes);
  return buf;
}

// from_buffer(typedArray, shape, dtype, device): copies; the JS memory is never shared.
at::Tensor from_buffer(const Info& info) {
  auto arr = info[0].As<Napi::TypedArray>();
  auto shape = IL(info, 1);
  auto dtype = dtype_arg(info, 2);
  auto out = at::empty(shape, at::TensorOptions().dtype(dtype));
  size_t bytes = out.numel() * out.element_size();
  if (bytes != arr.ByteLength()) {
    throw std::invalid_argument("fromBuffer: " + std::to_string(arr.ByteLength()) + " bytes given, shape needs " +
                                std::to_string(bytes));
  }
  auto* src = static_cast<uint8_t*>(arr.ArrayBuffer().Data()) + arr.ByteOffset();
  if (bytes) std::memcpy(out.data_ptr(), src, bytes);
  auto device = device_arg(info, 3);
  return device.is_cpu() ? out : out.to(device);
}

Napi::Value item(const Info& info) {
  at::Tensor& t = T(info, 0);
  if (t.numel() != 1) throw std::invalid_argument("item: tensor has " + std::to_string(t.numel()) + " elements, not 1");
  return Napi::Number::New(info.Env(), t.item<double>());
}

}  // namespace

void register_create(Napi::Env env, Napi::Object e) {
  def(env, e, "zeros", [](const Info& i) { return at::zeros(IL(i, 0), options_arg(i, 1, 2)); });
  def(env, e, "ones", [](const Info& i) { return at::ones(IL(i, 0), options_arg(i, 1, 2)); });
  def(env, e, "empty", [](const Info& i) { return at::empty(IL(i, 0), options_arg(i, 1, 2)); });
  def(env, e, "full", [](const Info& i) { return at::full(IL(i, 0), S(i, 1), options_arg(i, 2, 3)); });
  def(env, e, "arange", [](const Info& i) { return at::arange(D(i, 0), D(i, 1), D(i, 2), options_arg(i, 3, 4)); });
  def(env, e, "linspace", [](const Info& i) { return at::linspace(D(i, 0), D(i, 1), I(i, 2), options_arg(i, 3, 4)); });
  def(env, e, "eye", [](const Info& i) { return at::eye(I(i, 0), options_arg(i, 1, 2)); });
  def(env, e, "rand", [](const Info& i) { return at::rand(IL(i, 0), generator_arg(i, 3), options_arg(i, 1, 2)); });
  def(env, e, "randn", [](const Info& i) { return at::randn(IL(i, 0), generator_arg(i, 3), options_arg(i, 1, 2)); });
  def(env, e, "randint", [](const Info& i) {
    return at::randint(I(i, 0), I(i, 1), IL(i, 2), generator_arg(i, 5), options_arg(i, 3, 4));
  });
  def(env, e, "randperm", [](const Info& i) { return at::randperm(I(i, 0), generator_arg(i, 3), options_arg(i, 1, 2)); });
  def_void(env, e, "uniform_", [](const Info& i) { T(i, 0).uniform_(D(i, 1), D(i, 2), generator_arg(i, 3)); });
  def_void(env, e, "normal_", [](const Info& i) { T(i, 0).normal_(D(i, 1), D(i, 2), generator_arg(i, 3)); });
  def(env, e, "zerosLike", [](const Info& i) { return at::zeros_like(T(i, 0)); });
  def(env, e, "onesLike", [](const Info& i) { return at::ones_like(T(i, 0)); });
  def(env, e, "fullLike", [](const Info& i) { return at::full_like(T(i, 0), S(i, 1)); });
  def(env, e, "fromBuffer", from_buffer);
  def_value(env, e, "toBuffer", to_buffer);
  def_value(env, e, "item", item);
}

}  // namespace yt
