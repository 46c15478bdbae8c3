// Neural-network ops: convolution, normalisation, pooling, resampling, losses.
#include "registry.h"

namespace yt {

namespace {

int64_t reduction_arg(const Info& info, size_t i) {
  auto r = info[i].As<Napi::String>().Utf8Value();
  if (r == "mean") return at::Reduction::Mean;
  if (r == "sum") return at::Reduction::Sum;
  if (r == "none") return at::Reduction::None;
  throw std::invalid_argument("unknown reduction '" + r + "' (mean, sum or none)");
}

}  // namespace

void register_nn(Napi::Env env, Napi::Object e) {
  // conv2d(x, w, b|-1, stride[2], padding[2], dilation[2], groups). On the CPU, float32 convolutions
  // go to oneDNN directly: libtorch's own heuristic sends small inputs (one image, deep layers) to
  // im2col + BLAS, which is many times slower where the system BLAS is the reference one (Debian).
  def(env, e, "conv2d", [](const Info& i) {
    const at::Tensor& x = T(i, 0);
    const at::Tensor& w = T(i, 1);
    if (x.device().is_cpu() && x.scalar_type() == at::kFloat && w.scalar_type() == at::kFloat && x.dim() == 4 &&
        at::hasMKLDNN() && at::globalContext().userEnabledMkldnn()) {
      return at::mkldnn_convolution(x.contiguous(), w.contiguous(), OT(i, 2), IL(i, 4), IL(i, 3), IL(i, 5), I(i, 6));
    }
    return at::conv2d(x, w, OT(i, 2), IL(i, 3), IL(i, 4), IL(i, 5), I(i, 6));
  });
  def(env, e, "linear", [](const Info& i) { return at::linear(T(i, 0), T(i, 1), OT(i, 2)); });
  // batchNorm(x, weight|-1, bias|-1, runningMean|-1, runningVar|-1, training, momentum, eps);
  // in training mode the running statistics are updated in place, as torch.nn.BatchNorm2d does.
  def(env, e, "batchNorm", [](const Info& i) {
    return at::batch_norm(T(i, 0), OT(i, 1), OT(i, 2), OT(i, 3), OT(i, 4), B(i, 5), D(i, 6), D(i, 7), true);
  });
  def(env, e, "maxPool2d", [](const Info& i) { return at::max_pool2d(T(i, 0), IL(i, 1), IL(i, 2), IL(i, 3), IL(i, 4), B(i, 5)); });
  def(env, e, "avgPool2d", [](const Info& i) { return at::avg_pool2d(T(i, 0), IL(i, 1), IL(i, 2), IL(i, 3)); });
  def(env, e, "adaptiveAvgPool2d", [](const Info& i) { return at::adaptive_avg_pool2d(T(i, 0), IL(i, 1)); });
  // upsampleNearest2d(x, [outH, outW] | [], scaleH, scaleW)
  def(env, e, "upsampleNearest2d", [](const Info& i) {
    auto size = IL(i, 1);
    if (!size.empty()) return at::upsample_nearest2d(T(i, 0), at::IntArrayRef(size), c10::optional<double>(), c10::optional<double>());
    return at::upsample_nearest2d(T(i, 0), c10::nullopt, std::vector<double>{D(i, 2), D(i, 3)});
  });
  def(env, e, "constantPad", [](const Info& i) { return at::constant_pad_nd(T(i, 0), IL(i, 1), D(i, 2)); });
  // bceWithLogits(x, target, weight|-1, posWeight|-1, reduction)
  def(env, e, "bceWithLogits", [](const Info& i) {
    return at::binary_cross_entropy_with_logits(T(i, 0), T(i, 1), OT(i, 2), OT(i, 3), reduction_arg(i, 4));
  });
  def(env, e, "mseLoss", [](const Info& i) { return at::mse_loss(T(i, 0), T(i, 1), reduction_arg(i, 2)); });
  def(env, e, "l1Loss", [](const Info& i) { return at::l1_loss(T(i, 0), T(i, 1), reduction_arg(i, 2)); });
  def(env, e, "smoothL1Loss", [](const Info& i) { return at::smooth_l1_loss(T(i, 0), T(i, 1), reduction_arg(i, 2), D(i, 3)); });
  // klDiv(input (log-probs), target, reduction, logTarget); 'batchmean' is done in TypeScript.
  def(env, e, "klDiv", [](const Info& i) { return at::kl_div(T(i, 0), T(i, 1), reduction_arg(i, 2), B(i, 3)); });
  def(env, e, "crossEntropy", [](const Info& i) {
    return at::cross_entropy_loss(T(i, 0), T(i, 1), OT(i, 2), reduction_arg(i, 3), -100, D(i, 4));
  });
}

}  // namespace yt
