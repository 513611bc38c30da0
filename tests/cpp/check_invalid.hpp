#pragma once
// Shared by the C++ tests: an expression throws std::invalid_argument whose
// message matches `matcher` (e.g. Catch::Contains("workers")).
#include <stdexcept>

#include <catch2/catch.hpp>

#define CHECK_INVALID(expr, matcher)              \
  do {                                            \
    CHECK_THROWS_AS(expr, std::invalid_argument); \
    CHECK_THROWS_WITH(expr, matcher);             \
  } while (false)
