// GPIO pins in alternate-function mode (the F4 and WB55 GPIO blocks share one register layout).
#pragma once

#include <stdint.h>

namespace ferry::stm32 {

enum class Pull : uint8_t { kNone = 0, kUp = 1, kDown = 2 };

// Pin `pin` of the port at `port_base` to alternate function `af`, high speed.
inline void gpio_alternate(uint32_t port_base, unsigned pin, unsigned af, Pull pull) {
    auto r = [port_base](uint32_t off) -> volatile uint32_t& {
        return *reinterpret_cast<volatile uint32_t*>(port_base + off);
    };
    const uint32_t afr = pin < 8 ? 0x20u : 0x24u;
    const unsigned af_shift = (pin % 8) * 4;
    r(afr) = (r(afr) & ~(0xFu << af_shift)) | (af << af_shift);
    r(0x08) = (r(0x08) & ~(3u << (pin * 2))) | (2u << (pin * 2));  // OSPEEDR: high
    r(0x0C) = (r(0x0C) & ~(3u << (pin * 2))) | (static_cast<uint32_t>(pull) << (pin * 2));
    r(0x00) = (r(0x00) & ~(3u << (pin * 2))) | (2u << (pin * 2));  // MODER: alternate
}

}  // namespace ferry::stm32
