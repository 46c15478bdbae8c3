// See native/gloo-shim/gloo/README.md: ProcessGroupGloo.hpp includes this file but needs nothing from it.
#pragma once
