// A bounded text builder for AT command lines, HTTP requests and poll targets: never writes
// past its buffer, always NUL-terminates, remembers that something did not fit.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace ferry {

class TextOut {
public:
    TextOut(char* buf, size_t cap) : p_(buf), cap_(cap) {
        if (cap_) p_[0] = '\0';
    }
    TextOut& put(const char* s) {
        while (*s) put_char(*s++);
        return *this;
    }
    TextOut& put(const char* s, size_t n) {
        for (size_t i = 0; i < n; ++i) put_char(s[i]);
        return *this;
    }
    TextOut& put_char(char c) {
        if (len_ + 1 >= cap_) {
            overflow_ = true;
            return *this;
        }
        p_[len_++] = c;
        p_[len_] = '\0';
        return *this;
    }
    TextOut& num(uint64_t v) {
        char tmp[21];
        int n = 0;
        do {
            tmp[n++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v);
        while (n) put_char(tmp[--n]);
        return *this;
    }
    // put(key) then num(v): "&n=" 42
    TextOut& kv(const char* key, uint64_t v) { return put(key).num(v); }

    size_t len() const { return len_; }
    bool overflow() const { return overflow_; }
    const char* str() const { return p_; }

private:
    char* p_;
    size_t cap_;
    size_t len_ = 0;
    bool overflow_ = false;
};

}  // namespace ferry
