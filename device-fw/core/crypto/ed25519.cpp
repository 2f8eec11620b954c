// Ed25519 verification, written for a Cortex-M4 bootloader: 32-bit limbs with int64 products (no
// __int128), no tables in flash beyond a few 32-byte constants, everything on the stack.
//
// Semantics (RFC 8032 section 5.1.7, as Wycheproof checks them):
// - S must be below the group order L, else the signature is refused (no malleability).
// - A must decode (section 5.1.3): y < p, x^2 has a square root, and x = 0 with the sign bit set
//   is refused. Small-order and mixed-order keys are not refused: the RFC does not, and the key
//   is the operator's, not the attacker's.
// - The cofactorless equation [S]B = R + [k]A, k = SHA-512(R || A || M) mod L, is checked as
//   encode([S]B - [k]A) == R byte for byte. The encoder only ever writes canonical encodings
//   of curve points, so this also refuses every R that fails to decode (y >= p, off the curve,
//   x = 0 with the sign bit set) without decoding it, and it saves a square root.
//
// Cost: [S]B - [k]A by interleaved width-4 signed sliding windows (Straus), tables of
// {1,3,5,7}P for B and A built on the stack: 253 doublings and about 2 x 51 additions. In field
// multiplications (squarings use the multiplier; counted on the host): decode A ~265, tables ~72,
// double scalar multiplication ~2,840, encode (one inversion) ~267: 3,440 in all. fe_mul is 100
// 32x32->64 multiply-accumulates (SMLAL, 1 cycle) with two loads each, plus set-up and a carry
// chain: an estimated 700-1,000 cycles on a Cortex-M4 at -Os, so a verification should take
// 2.5-3.5 M cycles, 30-42 ms at 84 MHz (not yet measured on hardware). SHA-512 of R || A || M
// (M is 32 or 120 bytes for Ferry) and the bit-serial mod-L reduction add well under 0.1 M.
//
// Stack: check_equation holds two tables of four cached points (1,280 bytes); the digit array
// (256 bytes) lives one frame further down. The deepest chain (verify -> check_equation ->
// build_odd_multiples -> ge_add -> fe_mul -> fe_carry) is ~2.6 KB with -Os, for Thumb-2 and
// x86-64 alike (-fstack-usage).
//
// Only public data flows through here (key, signature, message), so branches and table indices
// that depend on them are fine; there is no secret to leak.
#include "crypto/ed25519.h"

#include <string.h>

#include "crypto/load_store.h"
#include "crypto/sha512.h"
#include "ferry/errors.h"

namespace ferry::crypto {
namespace {

// ---------------------------------------------------------------------------------------------
// Field arithmetic mod p = 2^255 - 19
// ---------------------------------------------------------------------------------------------

// Ten signed limbs, alternately 26 and 25 bits wide (radix 2^25.5): limb i has weight
// 2^ceil(25.5 i). Bounds are tracked in "units": one unit is |limb| <= 2^25 for even limbs and
// 2^24 for odd ones, which is what fe_carry() leaves (limb 1 may be a hair over). Additions add
// units. fe_mul(h, f, g) is safe for f up to 14 units and g up to 3 units: 19 * g must fit an
// int32 (19 * 3 * 2^25 < 2^31) and ten products of f, 2f with 19g must fit an int64
// (10 * 19 * 14 * 3 * 2^50 < 2^63). Every call site below keeps its operands inside that.
// Signed right shifts are arithmetic (GCC and Clang guarantee it; C++20 makes it standard).
struct Fe {
    int32_t v[10];
};

inline unsigned limb_bits(unsigned i) {
    return 26 - (i & 1);
}

// Rounding carry: brings each limb to [-2^(bits-1), 2^(bits-1)] (one unit), folding the carry
// out of limb 9 back into limb 0 times 19, since 2^255 = 19 (mod p). Inputs up to ~2^62.
void fe_carry(Fe& out, int64_t h[10]) {
    for (unsigned i = 0; i < 10; ++i) {
        unsigned b = limb_bits(i);
        int64_t c = (h[i] + (int64_t{1} << (b - 1))) >> b;
        h[i] -= c * (int64_t{1} << b);
        if (i < 9) {
            h[i + 1] += c;
        } else {
            h[0] += c * 19;
        }
    }
    int64_t c = (h[0] + (int64_t{1} << 25)) >> 26;
    h[0] -= c * (int64_t{1} << 26);
    h[1] += c;
    for (unsigned i = 0; i < 10; ++i) {
        out.v[i] = static_cast<int32_t>(h[i]);
    }
}

// sum of a[i] * b[-i] for i = 0..9: one output limb of fe_mul.
inline int64_t dot10(const int32_t* a, const int32_t* b) {
    int64_t s = 0;
#pragma GCC unroll 10  // ~200 bytes of Thumb-2 for a quarter off every multiplication
    for (unsigned i = 0; i < 10; ++i) {
        s += static_cast<int64_t>(a[i]) * b[-static_cast<int>(i)];
    }
    return s;
}

// h = f * g. Limb i of f times limb j of g lands at weight 2^(ceil(25.5 i) + ceil(25.5 j)),
// which is twice the weight of output limb i + j when i and j are both odd; products that reach
// limb 10 and above wrap to limb (i + j - 10) times 19. Output limb k sums f[i] * g[k - i]:
// for even k the odd f limbs are the doubled ones, so f2 holds f with odd limbs doubled; gg[9 + j]
// holds g[j] for j >= 0 and 19 g[10 + j] for j < 0, so each output limb is a plain run of ten
// multiply-accumulates. h may alias f or g. Squaring uses this too: one function, less flash.
[[gnu::noinline]] void fe_mul(Fe& h, const Fe& f, const Fe& g) {
    int32_t f2[10];
    int32_t gg[19];
    for (unsigned i = 0; i < 10; ++i) {
        f2[i] = (i & 1) ? 2 * f.v[i] : f.v[i];
        gg[9 + i] = g.v[i];
    }
    for (unsigned j = 1; j < 10; ++j) {
        gg[9 - j] = 19 * g.v[10 - j];
    }
    int64_t acc[10];
    for (unsigned k = 0; k < 10; k += 2) {
        acc[k] = dot10(f2, gg + 9 + k);
        acc[k + 1] = dot10(f.v, gg + 10 + k);
    }
    fe_carry(h, acc);
}

inline void fe_sq(Fe& h, const Fe& f) {
    fe_mul(h, f, f);
}

// h = f^(2^n), n >= 1.
void fe_sq_n(Fe& h, const Fe& f, unsigned n) {
    fe_sq(h, f);
    while (--n > 0) {
        fe_sq(h, h);
    }
}

void fe_add(Fe& h, const Fe& f, const Fe& g) {
    for (unsigned i = 0; i < 10; ++i) {
        h.v[i] = f.v[i] + g.v[i];
    }
}

void fe_sub(Fe& h, const Fe& f, const Fe& g) {
    for (unsigned i = 0; i < 10; ++i) {
        h.v[i] = f.v[i] - g.v[i];
    }
}

void fe_neg(Fe& h, const Fe& f) {
    for (unsigned i = 0; i < 10; ++i) {
        h.v[i] = -f.v[i];
    }
}

void fe_set_small(Fe& h, int32_t n) {
    memset(&h, 0, sizeof h);
    h.v[0] = n;
}

// Loads 255 bits little-endian; bit 255 (the sign of x in point encodings) is ignored. The value
// may be >= p: callers that need canonical input check with fe_is_canonical().
void fe_from_bytes(Fe& h, const uint8_t s[32]) {
    int64_t limbs[10];
    uint64_t acc = 0;
    unsigned have = 0;
    const uint8_t* p = s;
    for (unsigned i = 0; i < 10; ++i) {
        unsigned b = limb_bits(i);
        while (have < b) {
            acc |= static_cast<uint64_t>(*p++) << have;
            have += 8;
        }
        limbs[i] = static_cast<int64_t>(acc & ((uint64_t{1} << b) - 1));
        acc >>= b;
        have -= b;
    }
    fe_carry(h, limbs);
}

// Floor carry on 32-bit limbs: limbs 1..9 end in [0, 2^bits), the carry out of limb 9 folds
// into limb 0 times 19. Inputs here are at most 14 units, so nothing overflows.
void fe_carry_floor(int32_t h[10]) {
    for (unsigned i = 0; i < 10; ++i) {
        unsigned b = limb_bits(i);
        int32_t c = h[i] >> b;  // arithmetic shift: floor division by 2^b
        h[i] -= c * (int32_t{1} << b);
        if (i < 9) {
            h[i + 1] += c;
        } else {
            h[0] += c * 19;
        }
    }
}

// The unique encoding of f in [0, p), 255 bits little-endian, bit 255 clear.
void fe_to_bytes(uint8_t s[32], const Fe& f) {
    int32_t h[10];
    memcpy(h, f.v, sizeof h);
    // Pass one leaves limbs 1..9 in range and limb 0 off by at most 19 * (small carry); pass two
    // can only ripple a single +-1 through limbs that are all-ones or all-zeros, after which
    // every limb is in range and the value is in [0, 2^255).
    fe_carry_floor(h);
    fe_carry_floor(h);
    // q = 1 exactly when value + 19 >= 2^255, that is value >= p; then subtract p by adding 19
    // and dropping bit 255.
    int32_t q = (h[0] + 19) >> 26;
    for (unsigned i = 1; i < 10; ++i) {
        q = (h[i] + q) >> limb_bits(i);
    }
    h[0] += 19 * q;
    for (unsigned i = 0; i < 9; ++i) {
        unsigned b = limb_bits(i);
        int32_t c = h[i] >> b;
        h[i] -= c * (int32_t{1} << b);
        h[i + 1] += c;
    }
    h[9] &= (int32_t{1} << 25) - 1;

    uint64_t acc = 0;
    unsigned have = 0;
    uint8_t* p = s;
    for (unsigned i = 0; i < 10; ++i) {
        acc |= static_cast<uint64_t>(static_cast<uint32_t>(h[i])) << have;
        have += limb_bits(i);
        while (have >= 8) {
            *p++ = static_cast<uint8_t>(acc);
            acc >>= 8;
            have -= 8;
        }
    }
    *p = static_cast<uint8_t>(acc);  // the last 7 bits
}

bool fe_equal(const Fe& f, const Fe& g) {
    uint8_t a[32];
    uint8_t b[32];
    fe_to_bytes(a, f);
    fe_to_bytes(b, g);
    return memcmp(a, b, sizeof a) == 0;
}

// "Negative" in RFC 8032's sense: the canonical value is odd.
bool fe_is_negative(const Fe& f) {
    uint8_t s[32];
    fe_to_bytes(s, f);
    return (s[0] & 1) != 0;
}

bool fe_is_zero(const Fe& f) {
    Fe zero;
    fe_set_small(zero, 0);
    return fe_equal(f, zero);
}

// out = z^(2^250 - 1), z11 = z^11: the common head of inversion and square root.
void fe_pow_2_250_minus_1(Fe& out, Fe& z11, const Fe& z) {
    Fe t0;
    Fe t1;
    Fe t2;
    fe_sq(t0, z);          // z^2
    fe_sq_n(t1, t0, 2);    // z^8
    fe_mul(t1, t1, z);     // z^9
    fe_mul(z11, t0, t1);   // z^11
    fe_sq(t0, z11);        // z^22
    fe_mul(t0, t0, t1);    // z^31 = z^(2^5 - 1)
    fe_sq_n(t1, t0, 5);    //
    fe_mul(t0, t1, t0);    // z^(2^10 - 1)
    fe_sq_n(t1, t0, 10);   //
    fe_mul(t1, t1, t0);    // z^(2^20 - 1)
    fe_sq_n(t2, t1, 20);   //
    fe_mul(t1, t2, t1);    // z^(2^40 - 1)
    fe_sq_n(t1, t1, 10);   //
    fe_mul(t0, t1, t0);    // z^(2^50 - 1)
    fe_sq_n(t1, t0, 50);   //
    fe_mul(t1, t1, t0);    // z^(2^100 - 1)
    fe_sq_n(t2, t1, 100);  //
    fe_mul(t1, t2, t1);    // z^(2^200 - 1)
    fe_sq_n(t1, t1, 50);   //
    fe_mul(out, t1, t0);   // z^(2^250 - 1)
}

// out = z^(p - 2) = z^(2^255 - 21) = 1/z (0 for z = 0).
void fe_invert(Fe& out, const Fe& z) {
    Fe t;
    Fe z11;
    fe_pow_2_250_minus_1(t, z11, z);
    fe_sq_n(t, t, 5);
    fe_mul(out, t, z11);
}

// out = z^((p - 5) / 8) = z^(2^252 - 3), the exponent of the RFC 8032 square root.
void fe_pow_p58(Fe& out, const Fe& z) {
    Fe t;
    Fe z11;
    fe_pow_2_250_minus_1(t, z11, z);
    fe_sq_n(t, t, 2);
    fe_mul(out, t, z);
}

// Curve constants, little-endian field elements.
// d = -121665 / 121666
constexpr uint8_t kD[32] = {0xa3, 0x78, 0x59, 0x13, 0xca, 0x4d, 0xeb, 0x75, 0xab, 0xd8, 0x41,
                            0x41, 0x4d, 0x0a, 0x70, 0x00, 0x98, 0xe8, 0x79, 0x77, 0x79, 0x40,
                            0xc7, 0x8c, 0x73, 0xfe, 0x6f, 0x2b, 0xee, 0x6c, 0x03, 0x52};
// 2d
constexpr uint8_t kD2[32] = {0x59, 0xf1, 0xb2, 0x26, 0x94, 0x9b, 0xd6, 0xeb, 0x56, 0xb1, 0x83,
                             0x82, 0x9a, 0x14, 0xe0, 0x00, 0x30, 0xd1, 0xf3, 0xee, 0xf2, 0x80,
                             0x8e, 0x19, 0xe7, 0xfc, 0xdf, 0x56, 0xdc, 0xd9, 0x06, 0x24};
// sqrt(-1) = 2^((p - 1) / 4)
constexpr uint8_t kSqrtM1[32] = {0xb0, 0xa0, 0x0e, 0x4a, 0x27, 0x1b, 0xee, 0xc4, 0x78, 0xe4, 0x2f,
                                 0xad, 0x06, 0x18, 0x43, 0x2f, 0xa7, 0xd7, 0xfb, 0x3d, 0x99, 0x00,
                                 0x4d, 0x2b, 0x0b, 0xdf, 0xc1, 0x4f, 0x80, 0x24, 0x83, 0x2b};
// Base point B: y = 4/5, x the even root.
constexpr uint8_t kBaseX[32] = {0x1a, 0xd5, 0x25, 0x8f, 0x60, 0x2d, 0x56, 0xc9, 0xb2, 0xa7, 0x25,
                                0x95, 0x60, 0xc7, 0x2c, 0x69, 0x5c, 0xdc, 0xd6, 0xfd, 0x31, 0xe2,
                                0xa4, 0xc0, 0xfe, 0x53, 0x6e, 0xcd, 0xd3, 0x36, 0x69, 0x21};
constexpr uint8_t kBaseY[32] = {0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                                0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                                0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66};

// ---------------------------------------------------------------------------------------------
// Group: twisted Edwards -x^2 + y^2 = 1 + d x^2 y^2, extended coordinates
// ---------------------------------------------------------------------------------------------

// x = X/Z, y = Y/Z, x y = T/Z. Coordinates are one unit (fe_mul outputs).
struct Ge {
    Fe x, y, z, t;
};

// A point ready to be added: (Y + X, Y - X, 2Z, 2dT), each at most two units.
struct GeCached {
    Fe ypx, ymx, z2, t2d;
};

void ge_identity(Ge& p) {
    fe_set_small(p.x, 0);
    fe_set_small(p.y, 1);
    fe_set_small(p.z, 1);
    fe_set_small(p.t, 0);
}

void ge_to_cached(GeCached& c, const Ge& p) {
    Fe d2;
    fe_from_bytes(d2, kD2);
    fe_add(c.ypx, p.y, p.x);
    fe_sub(c.ymx, p.y, p.x);
    fe_add(c.z2, p.z, p.z);
    fe_mul(c.t2d, p.t, d2);
}

// r = p + q, or p - q when negate (-(x, y) = (-x, y) swaps Y+X with Y-X and negates T).
// Hisil-Wong-Carter-Dawson 2008, "add-2008-hwcd-3" for a = -1: complete on this curve (d is not
// a square), so small-order inputs and p == q need no special case. r may alias p.
void ge_add(Ge& r, const Ge& p, const GeCached& q, bool negate) {
    Fe a;
    Fe b;
    Fe c;
    Fe d;
    Fe t;
    fe_sub(t, p.y, p.x);                   // 2 units
    fe_mul(a, t, negate ? q.ypx : q.ymx);  // A = (Y1 - X1)(Y2 - X2)
    fe_add(t, p.y, p.x);                   //
    fe_mul(b, t, negate ? q.ymx : q.ypx);  // B = (Y1 + X1)(Y2 + X2)
    fe_mul(c, p.t, q.t2d);                 // C = 2d T1 T2 (negated when negate)
    fe_mul(d, p.z, q.z2);                  // D = 2 Z1 Z2
    fe_sub(t, b, a);                       // E = B - A
    fe_add(b, b, a);                       // H = B + A
    fe_sub(a, d, c);                       // D - C
    fe_add(d, d, c);                       // D + C
    const Fe& f = negate ? d : a;          // F = D - C
    const Fe& g = negate ? a : d;          // G = D + C
    fe_mul(r.x, t, f);                     // X3 = E F
    fe_mul(r.y, g, b);                     // Y3 = G H
    fe_mul(r.t, t, b);                     // T3 = E H
    fe_mul(r.z, f, g);                     // Z3 = F G
}

// r = 2p, "dbl-2008-hwcd" for a = -1 with E, F, G, H all negated (which leaves every output
// product unchanged) to save negations. r may alias p.
void ge_dbl(Ge& r, const Ge& p) {
    Fe a;
    Fe b;
    Fe c;
    Fe e;
    Fe t;
    fe_sq(a, p.x);        // A = X^2
    fe_sq(b, p.y);        // B = Y^2
    fe_sq(c, p.z);        //
    fe_add(c, c, c);      // C = 2 Z^2                        2 units
    fe_add(t, p.x, p.y);  //
    fe_sq(e, t);          // (X + Y)^2
    fe_add(t, a, b);      // -H = A + B                       2 units
    fe_sub(e, t, e);      // -E = A + B - (X + Y)^2           3 units
    fe_sub(a, a, b);      // -G = A - B                       2 units
    fe_add(c, c, a);      // -F = C + A - B                   4 units
    fe_mul(r.x, c, e);    // X3 = E F   (the 4-unit operand goes first, see Fe)
    fe_mul(r.y, a, t);    // Y3 = G H
    fe_mul(r.t, e, t);    // T3 = E H
    fe_mul(r.z, c, a);    // Z3 = F G
}

// RFC 8032 section 5.1.3. Refuses y >= p, x^2 without a root, and x = 0 with the sign bit set.
[[gnu::noinline]] bool ge_decode(Ge& p, const uint8_t s[32]) {
    Fe one;
    Fe u;
    Fe v;
    Fe v3;
    Fe x;
    Fe chk;
    fe_from_bytes(p.y, s);
    uint8_t canonical[32];
    fe_to_bytes(canonical, p.y);
    canonical[31] |= s[31] & 0x80;
    if (memcmp(canonical, s, 32) != 0) {  // y >= p
        return false;
    }
    fe_set_small(one, 1);
    fe_from_bytes(v, kD);
    fe_sq(u, p.y);
    fe_mul(v, v, u);
    fe_sub(u, u, one);  // u = y^2 - 1
    fe_add(v, v, one);  // v = d y^2 + 1
    fe_sq(v3, v);
    fe_mul(v3, v3, v);  // v^3
    fe_sq(x, v3);
    fe_mul(x, x, v);
    fe_mul(x, x, u);   // u v^7
    fe_pow_p58(x, x);  // (u v^7)^((p - 5) / 8)
    fe_mul(x, x, v3);
    fe_mul(x, x, u);  // candidate root x = u v^3 (u v^7)^((p - 5) / 8)
    fe_sq(chk, x);
    fe_mul(chk, chk, v);  // v x^2
    if (!fe_equal(chk, u)) {
        fe_neg(u, u);
        if (!fe_equal(chk, u)) {
            return false;  // u / v is not a square: not a point
        }
        Fe i;
        fe_from_bytes(i, kSqrtM1);
        fe_mul(x, x, i);
    }
    bool sign = (s[31] >> 7) != 0;
    if (sign && fe_is_zero(x)) {
        return false;
    }
    if (fe_is_negative(x) != sign) {
        fe_neg(x, x);
    }
    p.x = x;
    fe_set_small(p.z, 1);
    fe_mul(p.t, x, p.y);
    return true;
}

// The canonical encoding: y, with bit 255 the parity of x.
[[gnu::noinline]] void ge_encode(uint8_t s[32], const Ge& p) {
    Fe zi;
    Fe x;
    Fe y;
    fe_invert(zi, p.z);
    fe_mul(x, p.x, zi);
    fe_mul(y, p.y, zi);
    fe_to_bytes(s, y);
    s[31] |= static_cast<uint8_t>(fe_is_negative(x) ? 0x80 : 0);
}

// ---------------------------------------------------------------------------------------------
// Scalars mod L = 2^252 + 27742317777372353535851937790883648493
// ---------------------------------------------------------------------------------------------

constexpr uint32_t kL[8] = {0x5cf5d3edu, 0x5812631au, 0xa2f79cd6u, 0x14def9deu,
                            0x00000000u, 0x00000000u, 0x00000000u, 0x10000000u};

// t = a - L over eight little-endian words; returns the borrow (1 when a < L).
uint32_t sub_l(uint32_t t[8], const uint32_t a[8]) {
    uint32_t borrow = 0;
    for (unsigned i = 0; i < 8; ++i) {
        uint64_t d = static_cast<uint64_t>(a[i]) - kL[i] - borrow;
        t[i] = static_cast<uint32_t>(d);
        borrow = static_cast<uint32_t>(d >> 63);
    }
    return borrow;
}

bool scalar_is_canonical(const uint8_t s[32]) {
    uint32_t a[8];
    uint32_t t[8];
    for (unsigned i = 0; i < 8; ++i) {
        a[i] = load32_le(s + 4 * i);
    }
    return sub_l(t, a) != 0;
}

// out = in mod L for a 512-bit little-endian in: shift in one bit at a time, subtract L when
// the remainder reaches it. ~512 x 8-word steps, a few tens of thousands of cycles, and tiny.
void scalar_reduce(uint8_t out[32], const uint8_t in[64]) {
    uint32_t r[8] = {};  // r < L < 2^253, so 2r + 1 fits eight words
    uint32_t t[8];
    for (int bit = 511; bit >= 0; --bit) {
        uint32_t carry = (in[bit >> 3] >> (bit & 7)) & 1u;
        for (unsigned i = 0; i < 8; ++i) {
            uint32_t top = r[i] >> 31;
            r[i] = r[i] << 1 | carry;
            carry = top;
        }
        if (sub_l(t, r) == 0) {
            memcpy(r, t, sizeof r);
        }
    }
    for (unsigned i = 0; i < 8; ++i) {
        out[4 * i] = static_cast<uint8_t>(r[i]);
        out[4 * i + 1] = static_cast<uint8_t>(r[i] >> 8);
        out[4 * i + 2] = static_cast<uint8_t>(r[i] >> 16);
        out[4 * i + 3] = static_cast<uint8_t>(r[i] >> 24);
    }
}

inline unsigned scalar_bit(const uint8_t s[32], unsigned i) {
    return i < 256 ? (s[i >> 3] >> (i & 7)) & 1u : 0u;
}

// Width-4 non-adjacent form of s < 2^253: s = sum d[i] 2^i, every digit 0 or odd in [-7, 7], at
// most one non-zero digit in any four consecutive ones. The top carry always lands below bit
// 254. Digit i goes into the 4-bit field at `shift` of out[i] (two scalars share one array).
void scalar_wnaf4(uint8_t out[256], const uint8_t s[32], unsigned shift) {
    unsigned carry = 0;
    unsigned i = 0;
    while (i < 256) {
        if (scalar_bit(s, i) == carry) {  // bit + carry is 0 or 2: digit 0, carry unchanged
            ++i;
            continue;
        }
        int v = static_cast<int>(carry);
        for (unsigned j = 0; j < 4; ++j) {
            v += static_cast<int>(scalar_bit(s, i + j) << j);
        }
        // v is odd: keep it as a digit in [1, 7], or as v - 16 in [-7, -1] and carry 16
        carry = v > 8 ? 1u : 0u;
        int digit = v > 8 ? v - 16 : v;
        out[i] = static_cast<uint8_t>(out[i] | (static_cast<unsigned>(digit) & 15u) << shift);
        i += 4;
    }
}

// The signed digit in the high or low nibble of a packed byte.
inline int digit_high(uint8_t b) {
    return static_cast<int8_t>(b) >> 4;
}
inline int digit_low(uint8_t b) {
    return static_cast<int8_t>(static_cast<uint8_t>(b << 4)) >> 4;
}

// ---------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------

// t[j] = (2j + 1) p for j = 0..3.
void build_odd_multiples(GeCached t[4], const Ge& p) {
    Ge acc;
    GeCached two;
    ge_dbl(acc, p);
    ge_to_cached(two, acc);
    acc = p;
    for (unsigned j = 0; j < 4; ++j) {
        ge_to_cached(t[j], acc);
        if (j < 3) {
            ge_add(acc, acc, two, false);
        }
    }
}

void add_digit(Ge& p, const GeCached t[4], int digit, bool negate) {
    if (digit == 0) {
        return;
    }
    if (digit < 0) {
        digit = -digit;
        negate = !negate;
    }
    ge_add(p, p, t[digit >> 1], negate);
}

// k = SHA-512(R || A || M) mod L. Its own frame, so the hash state is gone before the tables.
[[gnu::noinline]] void challenge(uint8_t k[32], const uint8_t r[32], const uint8_t pub[32],
                                 const uint8_t* msg, size_t len) {
    uint8_t digest[kSha512Size];
    Sha512 h;
    h.update(r, 32);
    h.update(pub, 32);
    h.update(msg, len);
    h.final(digest);
    scalar_reduce(k, digest);
}

// p = [s]B - [k]A, from tables of odd multiples of A and B: one doubling per bit from the top
// non-zero digit down, one addition per non-zero digit. A frame of its own, so the digit array
// and the decoding temporaries never share the stack.
[[gnu::noinline]] void double_scalarmult(Ge& p, const uint8_t s[32], const GeCached table_b[4],
                                         const uint8_t k[32], const GeCached table_a[4]) {
    uint8_t digits[256];  // high nibble: digit of s, low nibble: digit of k
    memset(digits, 0, sizeof digits);
    scalar_wnaf4(digits, s, 4);
    scalar_wnaf4(digits, k, 0);
    int i = 255;
    while (i >= 0 && digits[i] == 0) {
        --i;
    }
    ge_identity(p);
    for (; i >= 0; --i) {
        ge_dbl(p, p);
        add_digit(p, table_b, digit_high(digits[i]), false);
        add_digit(p, table_a, digit_low(digits[i]), true);  // - [k]A
    }
}

// Checks encode([S]B - [k]A) == R.
[[gnu::noinline]] int check_equation(const uint8_t r[32], const uint8_t s[32], const uint8_t k[32],
                                     const uint8_t pub[32]) {
    Ge p;
    GeCached table_a[4];
    GeCached table_b[4];
    if (!ge_decode(p, pub)) {
        return FERRY_ERR_INVALID;
    }
    build_odd_multiples(table_a, p);
    fe_from_bytes(p.x, kBaseX);
    fe_from_bytes(p.y, kBaseY);
    fe_set_small(p.z, 1);
    fe_mul(p.t, p.x, p.y);
    build_odd_multiples(table_b, p);
    double_scalarmult(p, s, table_b, k, table_a);
    uint8_t enc[32];
    ge_encode(enc, p);
    return memcmp(enc, r, sizeof enc) == 0 ? FERRY_OK : FERRY_ERR_SIGNATURE;
}

}  // namespace

int ed25519_verify(const uint8_t sig[kEd25519SignatureSize], const uint8_t* msg, size_t len,
                   const uint8_t pub[kEd25519PublicKeySize]) {
    const uint8_t* r = sig;
    const uint8_t* s = sig + 32;
    if (!scalar_is_canonical(s)) {
        return FERRY_ERR_SIGNATURE;
    }
    uint8_t k[32];
    challenge(k, r, pub, msg, len);
    return check_equation(r, s, k, pub);
}

}  // namespace ferry::crypto
