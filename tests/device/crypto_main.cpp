// Catch2 main of ferry_device_crypto_tests: the device-side crypto on the host.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
