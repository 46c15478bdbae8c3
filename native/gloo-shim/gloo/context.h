// See native/gloo-shim/gloo/README.md: names only, for ProcessGroupGloo.hpp.
#pragma once

#include "gloo/transport/device.h"

namespace gloo {

class Context;

}  // namespace gloo
