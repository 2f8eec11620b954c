#include "crypto/sha256.h"

#include <string.h>

#include "crypto/load_store.h"

namespace ferry::crypto {
namespace {

// First 32 bits of the fractional parts of the cube roots of the first 64 primes.
constexpr uint32_t kRound[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u,
    0xab1c5ed5u, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu,
    0x9bdc06a7u, 0xc19bf174u, 0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu,
    0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau, 0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
    0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu,
    0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u, 0xa2bfe8a1u, 0xa81a664bu,
    0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u, 0x19a4c116u,
    0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u,
    0xc67178f2u,
};

// First 32 bits of the fractional parts of the square roots of the first 8 primes.
constexpr uint32_t kInit[8] = {
    0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
    0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u,
};

inline uint32_t rotr(uint32_t x, unsigned n) {
    return x >> n | x << (32 - n);
}

void compress(uint32_t state[8], const uint8_t* block) {
    uint32_t w[16];  // rolling message schedule: w[i & 15] holds W[i]
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    for (unsigned i = 0; i < 64; ++i) {
        uint32_t wi;
        if (i < 16) {
            wi = load32_be(block + 4 * i);
        } else {
            uint32_t w15 = w[(i - 15) & 15];
            uint32_t w2 = w[(i - 2) & 15];
            wi = w[i & 15] + (rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >> 3)) + w[(i - 7) & 15] +
                 (rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >> 10));
        }
        w[i & 15] = wi;
        uint32_t t1 =
            h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + kRound[i] + wi;
        uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
    state[5] += f;
    state[6] += g;
    state[7] += h;
}

}  // namespace

void Sha256::reset() {
    memcpy(state_, kInit, sizeof state_);
    length_ = 0;
}

void Sha256::update(const void* data, size_t len) {
    const uint8_t* p = static_cast<const uint8_t*>(data);
    size_t used = static_cast<size_t>(length_ % kSha256BlockSize);
    length_ += len;
    while (len > 0) {
        if (used == 0 && len >= kSha256BlockSize) {  // whole blocks straight from the input
            compress(state_, p);
            p += kSha256BlockSize;
            len -= kSha256BlockSize;
            continue;
        }
        size_t n = kSha256BlockSize - used;
        if (n > len) {
            n = len;
        }
        memcpy(block_ + used, p, n);
        used += n;
        p += n;
        len -= n;
        if (used == kSha256BlockSize) {
            compress(state_, block_);
            used = 0;
        }
    }
}

void Sha256::final(uint8_t out[kSha256Size]) {
    size_t used = static_cast<size_t>(length_ % kSha256BlockSize);
    block_[used++] = 0x80;
    if (used > kSha256BlockSize - 8) {  // no room for the length: pad out this block
        memset(block_ + used, 0, kSha256BlockSize - used);
        compress(state_, block_);
        used = 0;
    }
    memset(block_ + used, 0, kSha256BlockSize - 8 - used);
    store64_be(block_ + kSha256BlockSize - 8, length_ << 3);
    compress(state_, block_);
    for (unsigned i = 0; i < 8; ++i) {
        store32_be(out + 4 * i, state_[i]);
    }
    reset();
}

void sha256(const void* data, size_t len, uint8_t out[kSha256Size]) {
    Sha256 h;
    h.update(data, len);
    h.final(out);
}

}  // namespace ferry::crypto
