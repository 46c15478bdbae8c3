// Shape, view, indexing, joining and conversion ops, plus tensor metadata.
#include "registry.h"

namespace yt {

namespace {

Napi::Value meta(const Info& info) {
  // [dtypeCode, device string, ...shape] in one call, cached by the TypeScript Tensor.
  const at::Tensor& t = T(info, 0);
  auto env = info.Env();
  auto arr = Napi::Array::New(env, t.dim() + 2);
  arr.Set(0u, dtype_code(t.scalar_type()));
  arr.Set(1u, Napi::String::New(env, t.device().str()));
  for (int64_t d = 0; d < t.dim(); ++d) arr.Set(static_cast<uint32_t>(d + 2), Napi::Number::New(env, static_cast<double>(t.size(d))));
  return arr;
}

// index(x, indices): advanced indexing x[i0, i1, ...]; a handle < 0 stands for a full slice ':'.
c10::List<c10::optional<at::Tensor>> index_list(const Info& info, size_t i) {
  auto arr = info[i].As<Napi::Array>();
  c10::List<c10::optional<at::Tensor>> out;
  for (uint32_t k = 0; k < arr.Length(); ++k) {
    int32_t h = arr.Get(k).As<Napi::Number>().Int32Value();
    out.push_back(h < 0 ? c10::optional<at::Tensor>() : c10::optional<at::Tensor>(tensor(h)));
  }
  return out;
}

}  // namespace

void register_shape(Napi::Env env, Napi::Object e) {
  def_value(env, e, "meta", meta);
  def_value(env, e, "isContiguous", [](const Info& i) -> Napi::Value { return Napi::Boolean::New(i.Env(), T(i, 0).is_contiguous()); });
  def(env, e, "view", [](const Info& i) { return T(i, 0).view(IL(i, 1)); });
  def(env, e, "reshape", [](const Info& i) { return T(i, 0).reshape(IL(i, 1)); });
  def(env, e, "permute", [](const Info& i) { return T(i, 0).permute(IL(i, 1)); });
  def(env, e, "transpose", [](const Info& i) { return T(i, 0).transpose(I(i, 1), I(i, 2)); });
  def(env, e, "contiguous", [](const Info& i) { return T(i, 0).contiguous(); });
  def(env, e, "flatten", [](const Info& i) { return T(i, 0).flatten(I(i, 1), I(i, 2)); });
  def(env, e, "unsqueeze", [](const Info& i) { return T(i, 0).unsqueeze(I(i, 1)); });
  def(env, e, "squeeze", [](const Info& i) { return T(i, 0).squeeze(); });
  def(env, e, "squeezeDim", [](const Info& i) { return T(i, 0).squeeze(I(i, 1)); });
  def(env, e, "expand", [](const Info& i) { return T(i, 0).expand(IL(i, 1)); });
  def(env, e, "repeat", [](const Info& i) { return T(i, 0).repeat(IL(i, 1)); });
  def(env, e, "flip", [](const Info& i) { return T(i, 0).flip(IL(i, 1)); });
  def(env, e, "cat", [](const Info& i) { return at::cat(TL(i, 0), I(i, 1)); });
  def(env, e, "stack", [](const Info& i) { return at::stack(TL(i, 0), I(i, 1)); });
  def_multi(env, e, "split", [](const Info& i) { return at::split_with_sizes(T(i, 0), IL(i, 1), I(i, 2)); });
  def_multi(env, e, "chunk", [](const Info& i) { return at::chunk(T(i, 0), I(i, 1), I(i, 2)); });
  def_multi(env, e, "meshgrid", [](const Info& i) { return at::meshgrid(TL(i, 0), i[1].As<Napi::String>().Utf8Value()); });
  def(env, e, "narrow", [](const Info& i) { return T(i, 0).narrow(I(i, 1), I(i, 2), I(i, 3)); });
  def(env, e, "slice", [](const Info& i) { return T(i, 0).slice(I(i, 1), I(i, 2), I(i, 3), I(i, 4)); });
  def(env, e, "select", [](const Info& i) { return T(i, 0).select(I(i, 1), I(i, 2)); });
  def(env, e, "indexSelect", [](const Info& i) { return at::index_select(T(i, 0), I(i, 1), T(i, 2)); });
  def(env, e, "gather", [](const Info& i) { return at::gather(T(i, 0), I(i, 1), T(i, 2)); });
  def(env, e, "maskedSelect", [](const Info& i) { return at::masked_select(T(i, 0), T(i, 1)); });
  def(env, e, "maskedFill", [](const Info& i) { return at::masked_fill(T(i, 0), T(i, 1), S(i, 2)); });
  def(env, e, "nonzero", [](const Info& i) { return at::nonzero(T(i, 0)); });
  def(env, e, "index", [](const Info& i) { return at::index(T(i, 0), index_list(i, 1)); });
  def_void(env, e, "indexPut_", [](const Info& i) { T(i, 0).index_put_(index_list(i, 1), T(i, 2), B(i, 3)); });
  def(env, e, "tril", [](const Info& i) { return at::tril(T(i, 0), I(i, 1)); });
  // conversion and copies
  def(env, e, "toDtype", [](const Info& i) { return T(i, 0).to(dtype_arg(i, 1)); });
  def(env, e, "toDevice", [](const Info& i) { return T(i, 0).to(device_arg(i, 1)); });
  def(env, e, "clone", [](const Info& i) { return T(i, 0).clone(); });
  def(env, e, "detach", [](const Info& i) { return T(i, 0).detach(); });
  def(env, e, "alias", [](const Info& i) { return T(i, 0); });
}

}  // namespace yt
