// Autograd: requires_grad, backward, .grad, and the global grad mode.
#include <ATen/core/grad_mode.h>

#include "registry.h"

namespace yt {

void register_autograd(Napi::Env env, Napi::Object e) {
  def_value(env, e, "requiresGrad", [](const Info& i) -> Napi::Value { return Napi::Boolean::New(i.Env(), T(i, 0).requires_grad()); });
  def_void(env, e, "setRequiresGrad", [](const Info& i) { T(i, 0).requires_grad_(B(i, 1)); });
  def_value(env, e, "isLeaf", [](const Info& i) -> Napi::Value { return Napi::Boolean::New(i.Env(), T(i, 0).is_leaf()); });
  // grad(x): handle of a new reference to x.grad, or null when it has none.
  def_value(env, e, "grad", [](const Info& i) -> Napi::Value {
    const at::Tensor& g = T(i, 0).grad();
    if (!g.defined()) return i.Env().Null();
    return Napi::Number::New(i.Env(), store(g));
  });
  def_void(env, e, "setGrad", [](const Info& i) {
    auto g = OT(i, 1);
    T(i, 0).mutable_grad() = g ? *g : at::Tensor();
  });
  // backward(x, gradient|-1, retainGraph)
  def_void(env, e, "backward", [](const Info& i) {
    auto g = OT(i, 1);
    T(i, 0).backward(g ? *g : at::Tensor(), B(i, 2), false);
  });
  def_value(env, e, "isGradEnabled", [](const Info& i) -> Napi::Value { return Napi::Boolean::New(i.Env(), at::GradMode::is_enabled()); });
  def_void(env, e, "setGradEnabled", [](const Info& i) { at::GradMode::set_enabled(B(i, 0)); });
}

}  // namespace yt
