// A single-producer single-consumer byte ring between an interrupt handler and the main loop.
// Size is a power of two; indices run freely and wrap, so full and empty are told apart.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace ferry::cm {

template <size_t Size>
class RingBuffer {
    static_assert((Size & (Size - 1)) == 0, "ring size must be a power of two");

public:
    bool push(uint8_t b) {
        const uint32_t head = head_;
        if (head - tail_ == Size)
            return false;
        data_[head & (Size - 1)] = b;
        head_ = head + 1;
        return true;
    }
    bool pop(uint8_t* b) {
        const uint32_t tail = tail_;
        if (head_ == tail)
            return false;
        *b = data_[tail & (Size - 1)];
        tail_ = tail + 1;
        return true;
    }
    size_t used() const { return head_ - tail_; }
    size_t space() const { return Size - used(); }
    bool empty() const { return head_ == tail_; }

private:
    uint8_t data_[Size] = {};
    volatile uint32_t head_ = 0;
    volatile uint32_t tail_ = 0;
};

}  // namespace ferry::cm
