// See native/gloo-shim/gloo/README.md: names only, for ProcessGroupGloo.hpp.
#pragma once

namespace gloo {
namespace transport {

class Device;
class UnboundBuffer;

}  // namespace transport
}  // namespace gloo
