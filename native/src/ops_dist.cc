// Distributed data parallel on PyTorch's own c10d layer: a TCP key-value store for the rendezvous,
// a Gloo process group, and the collectives training needs (all-reduce, broadcast, all-gather,
// barrier), plus an all-gather that autograd differentiates (SyncBatchNorm). Stores and groups
// live in small tables addressed by integer ids, like tensors. Every collective is waited for
// before returning: blocking the JS thread is what training wants here. A failed collective (a
// peer died, or did not answer within the group's timeout) reports Gloo's message through the
// last-error slot like any other op. A libtorch built without c10d/Gloo (YOLOTRIM_NO_DIST, set by
// the build when libtorch_cpu exports no ProcessGroupGloo) gets a stub that says so.
#include <stdexcept>

#include "registry.h"

#ifndef YOLOTRIM_NO_DIST
#include <torch/csrc/autograd/custom_function.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <chrono>
#include <cstdlib>

namespace yt {

namespace {

using StorePtr = c10::intrusive_ptr<c10d::Store>;
using GroupPtr = c10::intrusive_ptr<c10d::ProcessGroup>;
using WorkPtr = c10::intrusive_ptr<c10d::Work>;

// Allocated once and never freed: at process exit (a peer died, an error is being reported) a
// group's destructor would join Gloo threads that may be stuck on a dead connection. Groups that
// finish normally are released explicitly with distGroupFree.
std::vector<StorePtr>& stores() {
  static auto* table = new std::vector<StorePtr>();
  return *table;
}

std::vector<GroupPtr>& groups() {
  static auto* table = new std::vector<GroupPtr>();
  return *table;
}

template <typename P>
int32_t add_to(std::vector<P>& table, P item) {
  table.push_back(std::move(item));
  return static_cast<int32_t>(table.size() - 1);
}

template <typename P>
P& lookup(std::vector<P>& table, int64_t id, const char* what) {
  if (id < 0 || static_cast<size_t>(id) >= table.size() || !table[id]) {
    throw std::invalid_argument(std::string("invalid ") + what + " id " + std::to_string(id) + " (destroyed?)");
  }
  return table[id];
}

GroupPtr& group_arg(const Info& info, size_t i) { return lookup(groups(), I(info, i), "process group"); }

std::string message_of(const std::exception& e) {
  if (auto* c10e = dynamic_cast<const c10::Error*>(&e)) return c10e->what_without_backtrace();
  return e.what();
}

// Waits for every work item (even after one failed, so none still uses its tensors) and rethrows
// the first failure.
void wait_all(const std::vector<WorkPtr>& works) {
  std::string failure;
  for (const auto& w : works) {
    try {
      w->wait();
    } catch (const std::exception& e) {
      if (failure.empty()) failure = message_of(e);
    }
  }
  if (!failure.empty()) throw std::runtime_error(failure);
}

void check_collective_tensor(const at::Tensor& t) {
  if (!t.is_contiguous()) throw std::invalid_argument("collectives need contiguous tensors");
}

c10d::ReduceOp reduce_op_arg(const Info& info, size_t i) {
  auto op = info[i].As<Napi::String>().Utf8Value();
  if (op == "sum") return c10d::ReduceOp::SUM;
  if (op == "max") return c10d::ReduceOp::MAX;
  if (op == "min") return c10d::ReduceOp::MIN;
  if (op == "product") return c10d::ReduceOp::PRODUCT;
  throw std::invalid_argument("unknown reduce op '" + op + "' (sum, max, min or product; average is a sum divided by the group size)");
}

void all_reduce(GroupPtr& pg, std::vector<at::Tensor> tensors, c10d::ReduceOp op) {
  at::NoGradGuard no_grad;
  std::vector<WorkPtr> works;
  works.reserve(tensors.size());
  c10d::AllreduceOptions opts;
  opts.reduceOp = op;
  for (auto& t : tensors) {
    check_collective_tensor(t);
    std::vector<at::Tensor> one{t};
    works.push_back(pg->allreduce(one, opts));
  }
  wait_all(works);
}

// [size, ...x.shape]: every rank's x, in rank order.
at::Tensor all_gather(GroupPtr& pg, const at::Tensor& x) {
  at::NoGradGuard no_grad;
  auto input = x.contiguous();
  std::vector<at::Tensor> parts;
  for (int r = 0; r < pg->getSize(); ++r) parts.push_back(at::empty_like(input));
  std::vector<std::vector<at::Tensor>> outputs{parts};
  std::vector<at::Tensor> inputs{input};
  wait_all({pg->allgather(outputs, inputs)});
  return at::stack(outputs[0]);
}

// All-gather as an autograd op: the gradient of rank r's input is the sum, over every rank, of the
// gradient that rank's loss sends to slot r of the gathered tensor (an all-reduce in backward).
struct AllGatherFunction : public torch::autograd::Function<AllGatherFunction> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, int64_t group) {
    ctx->saved_data["group"] = group;
    return all_gather(lookup(groups(), group, "process group"), x);
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::variable_list grads) {
    auto& pg = lookup(groups(), ctx->saved_data["group"].toInt(), "process group");
    auto g = grads[0].contiguous().clone();
    all_reduce(pg, {g}, c10d::ReduceOp::SUM);
    return {g.select(0, pg->getRank()), at::Tensor()};
  }
};

std::shared_ptr<::gloo::transport::Device> gloo_device(const std::string& hostname) {
  // As torch.distributed: GLOO_SOCKET_IFNAME names the network interface; otherwise the address
  // given (the loopback for a single machine), otherwise this machine's hostname.
  if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname) {
    std::string first(ifname);
    first = first.substr(0, first.find(','));
    return c10d::ProcessGroupGloo::createDeviceForInterface(first);
  }
  if (!hostname.empty()) return c10d::ProcessGroupGloo::createDeviceForHostname(hostname);
  return c10d::ProcessGroupGloo::createDefaultDevice();
}

}  // namespace

void register_dist(Napi::Env env, Napi::Object e) {
  // distTcpStore(host, port, worldSize, isServer, timeoutMs, prefix) -> store id. The server (rank 0,
  // unless a launcher's agent hosts the store) listens on port and waits for worldSize members.
  def_value(env, e, "distTcpStore", [](const Info& i) -> Napi::Value {
    c10d::TCPStoreOptions opts;
    opts.port = static_cast<std::uint16_t>(I(i, 1));
    opts.numWorkers = static_cast<std::size_t>(I(i, 2));
    opts.isServer = B(i, 3);
    opts.waitWorkers = true;
    opts.timeout = std::chrono::milliseconds(I(i, 4));
    StorePtr tcp = c10::make_intrusive<c10d::TCPStore>(i[0].As<Napi::String>().Utf8Value(), opts);
    StorePtr store = c10::make_intrusive<c10d::PrefixStore>(i[5].As<Napi::String>().Utf8Value(), tcp);
    return Napi::Number::New(i.Env(), add_to(stores(), store));
  });
  def_void(env, e, "distStoreSet", [](const Info& i) {
    auto value = i[2].As<Napi::String>().Utf8Value();
    lookup(stores(), I(i, 0), "store")->set(i[1].As<Napi::String>().Utf8Value(), std::vector<uint8_t>(value.begin(), value.end()));
  });
  // distStoreGet(store, key): waits (up to the store's timeout) until the key is set.
  def_value(env, e, "distStoreGet", [](const Info& i) -> Napi::Value {
    auto value = lookup(stores(), I(i, 0), "store")->get(i[1].As<Napi::String>().Utf8Value());
    return Napi::String::New(i.Env(), std::string(value.begin(), value.end()));
  });
  def_void(env, e, "distStoreFree", [](const Info& i) { lookup(stores(), I(i, 0), "store").reset(); });

  // distGroupGloo(store, rank, worldSize, timeoutMs, hostname) -> group id; connects to every peer.
  def_value(env, e, "distGroupGloo", [](const Info& i) -> Napi::Value {
    auto& store = lookup(stores(), I(i, 0), "store");
    auto opts = c10d::ProcessGroupGloo::Options::create(std::chrono::milliseconds(I(i, 3)));
    opts->devices.push_back(gloo_device(i[4].As<Napi::String>().Utf8Value()));
    GroupPtr pg = c10::make_intrusive<c10d::ProcessGroupGloo>(store, static_cast<int>(I(i, 1)), static_cast<int>(I(i, 2)), opts);
    return Napi::Number::New(i.Env(), add_to(groups(), pg));
  });
  def_void(env, e, "distGroupFree", [](const Info& i) { lookup(groups(), I(i, 0), "process group").reset(); });

  // distAllReduce(group, [tensor...], op): in place, one collective per tensor, all in flight at once.
  def_void(env, e, "distAllReduce", [](const Info& i) { all_reduce(group_arg(i, 0), TL(i, 1), reduce_op_arg(i, 2)); });
  // distBroadcast(group, [tensor...], root): in place.
  def_void(env, e, "distBroadcast", [](const Info& i) {
    at::NoGradGuard no_grad;
    auto& pg = group_arg(i, 0);
    c10d::BroadcastOptions opts;
    opts.rootRank = I(i, 2);
    std::vector<WorkPtr> works;
    for (auto& t : TL(i, 1)) {
      check_collective_tensor(t);
      std::vector<at::Tensor> one{t};
      works.push_back(pg->broadcast(one, opts));
    }
    wait_all(works);
  });
  def(env, e, "distAllGather", [](const Info& i) { return all_gather(group_arg(i, 0), T(i, 1)); });
  def(env, e, "distAllGatherAutograd", [](const Info& i) {
    group_arg(i, 0);  // validates the id before autograd records it
    return AllGatherFunction::apply(T(i, 1), I(i, 0));
  });
  def_void(env, e, "distBarrier", [](const Info& i) { wait_all({group_arg(i, 0)->barrier()}); });
}

}  // namespace yt

#else  // YOLOTRIM_NO_DIST

namespace yt {

void register_dist(Napi::Env env, Napi::Object e) {
  def_value(env, e, "distTcpStore", [](const Info&) -> Napi::Value {
    throw std::runtime_error("this libtorch was built without c10d/Gloo (USE_DISTRIBUTED=0): data-parallel training needs one that has it "
                             "(Debian's libtorch-dev, pip's torch or a LibTorch download), then npm run build:native");
  });
}

}  // namespace yt

#endif  // YOLOTRIM_NO_DIST
