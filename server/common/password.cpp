#include "common/password.h"

#include <openssl/evp.h>

#include <stdexcept>
#include <vector>

#include "common/bytes.h"
#include "common/crypto.h"

namespace ferry::password {
namespace {

constexpr int kLogN = 17;
constexpr int kR = 8;
constexpr int kP = 1;
constexpr size_t kSaltBytes = 16;
constexpr size_t kKeyBytes = 32;
constexpr uint64_t kMaxMem = 256ull << 20;  // above 128 * r * N = 128 MiB; caps a stored N too

bool derive(std::string_view password, const Bytes& salt, int log_n, int r, int p, Bytes& key) {
    if (log_n < 10 || log_n > 18 || r < 1 || r > 16 || p < 1 || p > 4)
        return false;
    return EVP_PBE_scrypt(password.data(), password.size(), salt.data(), salt.size(),
                          uint64_t{1} << log_n, static_cast<uint64_t>(r), static_cast<uint64_t>(p),
                          kMaxMem, key.data(), key.size()) == 1;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    size_t start = 0;
    for (size_t i = 0; i <= s.size(); ++i) {
        if (i == s.size() || s[i] == sep) {
            out.push_back(s.substr(start, i - start));
            start = i + 1;
        }
    }
    return out;
}

bool small_int(std::string_view s, int& out) {
    if (s.empty() || s.size() > 2)
        return false;
    out = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return false;
        out = out * 10 + (c - '0');
    }
    return true;
}

}  // namespace

std::string hash(std::string_view password) {
    Bytes salt = crypto::random_bytes(kSaltBytes);
    Bytes key(kKeyBytes);
    if (!derive(password, salt, kLogN, kR, kP, key))
        throw std::runtime_error("scrypt failed");
    return "scrypt$" + std::to_string(kLogN) + "$" + std::to_string(kR) + "$" + std::to_string(kP) +
           "$" + base64url_encode(salt) + "$" + base64url_encode(key);
}

bool verify(std::string_view password, std::string_view encoded) {
    auto parts = split(encoded, '$');
    int log_n = 0, r = 0, p = 0;
    if (parts.size() != 6 || parts[0] != "scrypt" || !small_int(parts[1], log_n) ||
        !small_int(parts[2], r) || !small_int(parts[3], p)) {
        return false;
    }
    auto salt = base64url_decode(parts[4]);
    auto expected = base64url_decode(parts[5]);
    if (!salt || !expected || expected->size() < 16 || expected->size() > 64)
        return false;
    Bytes key(expected->size());
    if (!derive(password, *salt, log_n, r, p, key))
        return false;
    return equal_constant_time(key.data(), expected->data(), key.size());
}

std::string weakness(std::string_view password) {
    if (password.size() < 10)
        return "a password needs at least 10 characters";
    if (password.size() > 200)
        return "a password has at most 200 characters";
    return "";
}

std::string generate() {
    return base64url_encode(crypto::random_bytes(15));
}

}  // namespace ferry::password
