#include "common/bytes.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace ferry {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kBase64Std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Encodes 3-byte groups into 4 symbols; a final partial group yields 2 or 3 symbols, followed
// by '=' padding only when `pad` is set.
std::string base64_encode_with(const char* alphabet, const uint8_t* data, size_t len, bool pad) {
    std::string out;
    out.reserve((len + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t v = (uint32_t(data[i]) << 16) | (uint32_t(data[i + 1]) << 8) | data[i + 2];
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    size_t rest = len - i;
    if (rest == 0)
        return out;
    uint32_t v = uint32_t(data[i]) << 16;
    if (rest == 2)
        v |= uint32_t(data[i + 1]) << 8;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    if (rest == 2)
        out += alphabet[(v >> 6) & 63];
    if (pad)
        out.append(rest == 2 ? 1 : 2, '=');
    return out;
}

int symbol_value(const char* alphabet, char c) {
    const char* p = std::strchr(alphabet, c);
    return (c != '\0' && p != nullptr) ? int(p - alphabet) : -1;
}

// Decodes unpadded symbols. Strict: a lone final symbol (6 bits, not a whole byte) and a final
// group whose unused low bits are not zero are refused, so every byte string has exactly one
// accepted encoding (useful when encodings are compared or used as keys).
std::optional<Bytes> base64_decode_unpadded(const char* alphabet, std::string_view text) {
    if (text.size() % 4 == 1)
        return std::nullopt;
    Bytes out;
    out.reserve(text.size() * 3 / 4);
    uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        int v = symbol_value(alphabet, c);
        if (v < 0)
            return std::nullopt;
        acc = (acc << 6) | uint32_t(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(uint8_t(acc >> bits));
        }
    }
    if ((acc & ((1u << bits) - 1)) != 0)
        return std::nullopt;
    return out;
}

[[noreturn]] void throw_errno(const std::string& what, const std::string& path) {
    throw std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

// Closes a descriptor on scope exit unless released.
struct FdGuard {
    int fd;
    ~FdGuard() {
        if (fd >= 0)
            ::close(fd);
    }
};

void write_all(int fd, const uint8_t* data, size_t len, const std::string& path) {
    while (len > 0) {
        ssize_t n = ::write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw_errno("cannot write", path);
        data += n;
        len -= size_t(n);
    }
}

std::string parent_dir(const std::string& path) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos)
        return ".";
    if (slash == 0)
        return "/";
    return path.substr(0, slash);
}

// A rename is only durable once the directory entry is on disk too.
void fsync_dir(const std::string& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        throw_errno("cannot open directory", dir);
    FdGuard guard{fd};
    if (::fsync(fd) != 0)
        throw_errno("cannot fsync directory", dir);
}

}  // namespace

int hex_digit_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::string hex_encode(const uint8_t* data, size_t len) {
    std::string out;
    out.reserve(len * 2);
    for (size_t i = 0; i < len; ++i) {
        out += kHexDigits[data[i] >> 4];
        out += kHexDigits[data[i] & 15];
    }
    return out;
}

std::optional<Bytes> hex_decode(std::string_view hex) {
    if (hex.size() % 2 != 0)
        return std::nullopt;
    Bytes out;
    out.reserve(hex.size() / 2);
    for (size_t i = 0; i < hex.size(); i += 2) {
        int hi = hex_digit_value(hex[i]);
        int lo = hex_digit_value(hex[i + 1]);
        if (hi < 0 || lo < 0)
            return std::nullopt;
        out.push_back(uint8_t((hi << 4) | lo));
    }
    return out;
}

std::string base64url_encode(const uint8_t* data, size_t len) {
    return base64_encode_with(kBase64Url, data, len, false);
}

std::optional<Bytes> base64url_decode(std::string_view text) {
    return base64_decode_unpadded(kBase64Url, text);
}

std::string base64_encode(const uint8_t* data, size_t len) {
    return base64_encode_with(kBase64Std, data, len, true);
}

// Padded form: length a multiple of 4 and at most two '=' at the very end. No whitespace is
// accepted; callers holding PEM text strip the line breaks first.
std::optional<Bytes> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0)
        return std::nullopt;
    size_t pad = 0;
    while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=')
        ++pad;
    return base64_decode_unpadded(kBase64Std, text.substr(0, text.size() - pad));
}

bool equal_constant_time(const uint8_t* a, const uint8_t* b, size_t len) {
    // OpenSSL's version is written so the compiler cannot turn it into an early-exit memcmp.
    return len == 0 || CRYPTO_memcmp(a, b, len) == 0;
}

Bytes read_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw_errno("cannot open", path);
    FdGuard guard{fd};
    Bytes out;
    uint8_t buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw_errno("cannot read", path);
        if (n == 0)
            break;
        out.insert(out.end(), buf, buf + n);
    }
    return out;
}

void write_file_atomic(const std::string& path, const uint8_t* data, size_t len, int mode) {
    // The temporary lives in the target's directory so the rename stays within one filesystem.
    std::string tmp = path + ".tmp.XXXXXX";
    int fd = ::mkstemp(tmp.data());
    if (fd < 0)
        throw_errno("cannot create temporary file for", path);
    try {
        FdGuard guard{fd};
        if (::fchmod(fd, mode_t(mode)) != 0)
            throw_errno("cannot chmod", tmp);
        write_all(fd, data, len, tmp);
        if (::fsync(fd) != 0)
            throw_errno("cannot fsync", tmp);
        guard.fd = -1;
        if (::close(fd) != 0)
            throw_errno("cannot close", tmp);
        if (::rename(tmp.c_str(), path.c_str()) != 0)
            throw_errno("cannot rename to", path);
    } catch (...) {
        ::unlink(tmp.c_str());
        throw;
    }
    fsync_dir(parent_dir(path));
}

}  // namespace ferry
