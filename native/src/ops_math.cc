// Elementwise arithmetic, comparisons, activations, reductions, sorting and matmul.
#include "registry.h"

namespace yt {

namespace {

std::vector<at::Tensor> pair(std::tuple<at::Tensor, at::Tensor> t) { return {std::get<0>(t), std::get<1>(t)}; }

}  // namespace

#define UNARY(name, expr) def(env, e, name, [](const Info& i) { const at::Tensor& x = T(i, 0); return expr; })
#define BINARY(name, expr) \
  def(env, e, name, [](const Info& i) { const at::Tensor& a = T(i, 0); const at::Tensor& b = T(i, 1); return expr; })
#define SCALAR(name, expr) def(env, e, name, [](const Info& i) { const at::Tensor& a = T(i, 0); at::Scalar s = S(i, 1); return expr; })
#define INPLACE(name, stmt) def_void(env, e, name, [](const Info& i) { at::Tensor& a = T(i, 0); stmt; })

void register_math(Napi::Env env, Napi::Object e) {
  // tensor (op) tensor, broadcasting
  def(env, e, "add", [](const Info& i) { return at::add(T(i, 0), T(i, 1), S(i, 2)); });
  def(env, e, "sub", [](const Info& i) { return at::sub(T(i, 0), T(i, 1), S(i, 2)); });
  BINARY("mul", at::mul(a, b));
  BINARY("div", at::div(a, b));
  BINARY("pow", at::pow(a, b));
  BINARY("minimum", at::minimum(a, b));
  BINARY("maximum", at::maximum(a, b));
  BINARY("atan2", at::atan2(a, b));
  BINARY("remainder", at::remainder(a, b));
  BINARY("eq", at::eq(a, b));
  BINARY("ne", at::ne(a, b));
  BINARY("lt", at::lt(a, b));
  BINARY("le", at::le(a, b));
  BINARY("gt", at::gt(a, b));
  BINARY("ge", at::ge(a, b));
  BINARY("logicalAnd", at::logical_and(a, b));
  BINARY("logicalOr", at::logical_or(a, b));
  BINARY("logicalXor", at::logical_xor(a, b));
  BINARY("matmul", at::matmul(a, b));
  // tensor (op) scalar, and scalar (op) tensor
  SCALAR("addScalar", at::add(a, s));
  SCALAR("subScalar", at::sub(a, s));
  SCALAR("rsubScalar", at::rsub(a, s));
  SCALAR("mulScalar", at::mul(a, s));
  SCALAR("divScalar", at::div(a, s));
  SCALAR("rdivScalar", at::div(at::scalar_tensor(s, a.options()), a));
  SCALAR("powScalar", at::pow(a, s));
  SCALAR("rpowScalar", at::pow(at::Scalar(s), a));
  SCALAR("remainderScalar", at::remainder(a, s));
  SCALAR("eqScalar", at::eq(a, s));
  SCALAR("neScalar", at::ne(a, s));
  SCALAR("ltScalar", at::lt(a, s));
  SCALAR("leScalar", at::le(a, s));
  SCALAR("gtScalar", at::gt(a, s));
  SCALAR("geScalar", at::ge(a, s));
  def(env, e, "clamp", [](const Info& i) {
    auto bound = [&i](size_t k) { return OD(i, k) ? c10::optional<at::Scalar>(S(i, k)) : c10::nullopt; };
    return at::clamp(T(i, 0), bound(1), bound(2));
  });
  def(env, e, "where", [](const Info& i) { return at::where(T(i, 0), T(i, 1), T(i, 2)); });
  def(env, e, "lerp", [](const Info& i) { return at::lerp(T(i, 0), T(i, 1), D(i, 2)); });
  // unary
  UNARY("neg", at::neg(x));
  UNARY("abs", at::abs(x));
  UNARY("exp", at::exp(x));
  UNARY("log", at::log(x));
  UNARY("log1p", at::log1p(x));
  UNARY("sqrt", at::sqrt(x));
  UNARY("rsqrt", at::rsqrt(x));
  UNARY("square", at::square(x));
  UNARY("reciprocal", at::reciprocal(x));
  UNARY("sign", at::sign(x));
  UNARY("sin", at::sin(x));
  UNARY("cos", at::cos(x));
  UNARY("tanh", at::tanh(x));
  UNARY("atan", at::atan(x));
  UNARY("floor", at::floor(x));
  UNARY("ceil", at::ceil(x));
  UNARY("round", at::round(x));
  UNARY("trunc", at::trunc(x));
  UNARY("logicalNot", at::logical_not(x));
  UNARY("isnan", at::isnan(x));
  UNARY("isfinite", at::isfinite(x));
  // activations
  UNARY("sigmoid", at::sigmoid(x));
  UNARY("relu", at::relu(x));
  UNARY("silu", at::silu(x));
  UNARY("hardswish", at::hardswish(x));
  UNARY("gelu", at::gelu(x));
  def(env, e, "leakyRelu", [](const Info& i) { return at::leaky_relu(T(i, 0), D(i, 1)); });
  def(env, e, "softmax", [](const Info& i) { return at::softmax(T(i, 0), I(i, 1)); });
  def(env, e, "logSoftmax", [](const Info& i) { return at::log_softmax(T(i, 0), I(i, 1)); });
  // reductions: dims [] means all dims
  def(env, e, "sum", [](const Info& i) {
    auto dims = IL(i, 1);
    return dims.empty() ? at::sum(T(i, 0)) : at::sum(T(i, 0), dims, B(i, 2));
  });
  def(env, e, "mean", [](const Info& i) {
    auto dims = IL(i, 1);
    return dims.empty() ? at::mean(T(i, 0)) : at::mean(T(i, 0), dims, B(i, 2));
  });
  def(env, e, "amax", [](const Info& i) { return at::amax(T(i, 0), IL(i, 1), B(i, 2)); });
  def(env, e, "amin", [](const Info& i) { return at::amin(T(i, 0), IL(i, 1), B(i, 2)); });
  def(env, e, "prod", [](const Info& i) { return at::prod(T(i, 0)); });
  def(env, e, "normP", [](const Info& i) {
    auto dims = IL(i, 2);
    return dims.empty() ? at::norm(T(i, 0), D(i, 1)) : at::norm(T(i, 0), D(i, 1), dims, B(i, 3));
  });
  // var: dims [] means all dims, listed explicitly: libtorch 1.13's backward of var(dim=[]) is
  // numel times too large.
  def(env, e, "var", [](const Info& i) {
    const at::Tensor& x = T(i, 0);
    auto dims = IL(i, 1);
    if (dims.empty()) {
      if (x.dim() == 0) return at::var(x, B(i, 2));
      for (int64_t d = 0; d < x.dim(); ++d) dims.push_back(d);
    }
    return at::var(x, at::OptionalIntArrayRef(dims), B(i, 2), B(i, 3));
  });
  def(env, e, "any", [](const Info& i) { return at::any(T(i, 0)); });
  def(env, e, "all", [](const Info& i) { return at::all(T(i, 0)); });
  def(env, e, "countNonzero", [](const Info& i) { return at::count_nonzero(T(i, 0)); });
  def(env, e, "argmax", [](const Info& i) { return at::argmax(T(i, 0), I(i, 1), B(i, 2)); });
  def(env, e, "argmin", [](const Info& i) { return at::argmin(T(i, 0), I(i, 1), B(i, 2)); });
  def_multi(env, e, "maxDim", [](const Info& i) { return pair(at::max(T(i, 0), I(i, 1), B(i, 2))); });
  def_multi(env, e, "minDim", [](const Info& i) { return pair(at::min(T(i, 0), I(i, 1), B(i, 2))); });
  def_multi(env, e, "topk", [](const Info& i) { return pair(at::topk(T(i, 0), I(i, 1), I(i, 2), B(i, 3), B(i, 4))); });
  def_multi(env, e, "sort", [](const Info& i) { return pair(at::sort(T(i, 0), B(i, 3), I(i, 1), B(i, 2))); });
  def(env, e, "argsort", [](const Info& i) { return std::get<1>(at::sort(T(i, 0), B(i, 3), I(i, 1), B(i, 2))); });
  def(env, e, "cumsum", [](const Info& i) { return at::cumsum(T(i, 0), I(i, 1)); });
  // in place (optimizers, EMA, initialisation)
  INPLACE("add_", a.add_(T(i, 1), S(i, 2)));
  INPLACE("addScalar_", a.add_(S(i, 1)));
  INPLACE("mul_", a.mul_(T(i, 1)));
  INPLACE("mulScalar_", a.mul_(S(i, 1)));
  INPLACE("div_", a.div_(T(i, 1)));
  INPLACE("addcmul_", a.addcmul_(T(i, 1), T(i, 2), D(i, 3)));
  INPLACE("addcdiv_", a.addcdiv_(T(i, 1), T(i, 2), D(i, 3)));
  INPLACE("lerp_", a.lerp_(T(i, 1), D(i, 2)));
  INPLACE("copy_", a.copy_(T(i, 1)));
  INPLACE("fill_", a.fill_(S(i, 1)));
  INPLACE("zero_", a.zero_());
  INPLACE("clampMin_", a.clamp_min_(S(i, 1)));
  INPLACE("sqrt_", a.sqrt_());
}

}  // namespace yt
