#include "common/crypto.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <memory>

namespace ferry::crypto {
namespace {

constexpr size_t kSignatureSize = 64;

// RAII owners for the OpenSSL objects used below; every early return or throw frees them.
struct MdCtxFree {
    void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct PkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct BioFree {
    void operator()(BIO* p) const { BIO_free(p); }
};
struct MacFree {
    void operator()(EVP_MAC* p) const { EVP_MAC_free(p); }
};
struct MacCtxFree {
    void operator()(EVP_MAC_CTX* p) const { EVP_MAC_CTX_free(p); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;
using MacPtr = std::unique_ptr<EVP_MAC, MacFree>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, MacCtxFree>;

// The message with OpenSSL's most recent reason appended. Clears the thread's error queue so a
// stale entry never shows up in an unrelated later message.
std::string with_openssl_reason(const std::string& what) {
    unsigned long code = ERR_peek_last_error();
    std::string msg = what;
    if (code != 0) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        msg += " (";
        msg += buf;
        msg += ")";
    }
    ERR_clear_error();
    return msg;
}

[[noreturn]] void fail(const std::string& what) {
    throw CryptoError(with_openssl_reason(what));
}

MdCtxPtr new_md_ctx() {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx)
        fail("EVP_MD_CTX_new failed");
    return ctx;
}

PkeyPtr pkey_from_seed(const std::array<uint8_t, 32>& seed) {
    PkeyPtr pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
    if (!pkey)
        fail("cannot load Ed25519 private key");
    return pkey;
}

std::array<uint8_t, 32> raw_public(EVP_PKEY* pkey) {
    std::array<uint8_t, 32> pub{};
    size_t len = pub.size();
    if (EVP_PKEY_get_raw_public_key(pkey, pub.data(), &len) != 1 || len != pub.size())
        fail("cannot extract Ed25519 public key");
    return pub;
}

std::array<uint8_t, 32> raw_private(EVP_PKEY* pkey) {
    std::array<uint8_t, 32> seed{};
    size_t len = seed.size();
    if (EVP_PKEY_get_raw_private_key(pkey, seed.data(), &len) != 1 || len != seed.size())
        fail("cannot extract Ed25519 private key");
    return seed;
}

std::string bio_to_string(BIO* bio) {
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    if (len < 0 || (len > 0 && data == nullptr))
        fail("cannot read PEM output");
    return std::string(data, size_t(len));
}

BioPtr bio_from_text(std::string_view text) {
    if (text.size() > size_t(INT_MAX))
        throw CryptoError("PEM text too large");
    BioPtr bio(BIO_new_mem_buf(text.data(), int(text.size())));
    if (!bio)
        fail("BIO_new_mem_buf failed");
    return bio;
}

// Refuses to ask for a passphrase: without this OpenSSL would prompt on the terminal when it
// meets an encrypted key, which would hang a server and surprise a script.
int no_passphrase(char*, int, int, void*) {
    return -1;
}

void require_ed25519(EVP_PKEY* pkey, const char* kind) {
    if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519)
        throw CryptoError(std::string("PEM ") + kind + " key is not an Ed25519 key");
}

}  // namespace

Sha256 sha256(const uint8_t* data, size_t len) {
    Sha256 out{};
    unsigned int out_len = 0;
    if (EVP_Digest(data, len, out.data(), &out_len, EVP_sha256(), nullptr) != 1 ||
        out_len != out.size())
        fail("SHA-256 failed");
    return out;
}

Sha256Stream::Sha256Stream() : ctx_(nullptr) {
    MdCtxPtr ctx = new_md_ctx();
    if (EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
        fail("SHA-256 init failed");
    ctx_ = ctx.release();
}

Sha256Stream::~Sha256Stream() {
    EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_));
}

void Sha256Stream::update(const uint8_t* data, size_t len) {
    if (EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data, len) != 1)
        fail("SHA-256 update failed");
}

// Finishing also restarts the stream, so an object can hash several messages in turn.
Sha256 Sha256Stream::finish() {
    auto* ctx = static_cast<EVP_MD_CTX*>(ctx_);
    Sha256 out{};
    unsigned int out_len = 0;
    if (EVP_DigestFinal_ex(ctx, out.data(), &out_len) != 1 || out_len != out.size())
        fail("SHA-256 final failed");
    if (EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1)
        fail("SHA-256 init failed");
    return out;
}

namespace {

// HMAC-SHA256 context of this thread. Setting one up (algorithm fetch, digest lookup) cost more
// than the MAC of a poll itself; re-keying an existing one is cheap, and every device poll
// computes two MACs.
EVP_MAC_CTX* thread_hmac_sha256() {
    thread_local MacCtxPtr ctx = [] {
        MacPtr mac(EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr));
        if (!mac)
            fail("HMAC is not available");
        MacCtxPtr made(EVP_MAC_CTX_new(mac.get()));  // holds its own reference to mac
        if (!made)
            fail("EVP_MAC_CTX_new failed");
        char digest[] = "SHA256";
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
            OSSL_PARAM_construct_end(),
        };
        if (EVP_MAC_CTX_set_params(made.get(), params) != 1)
            fail("HMAC digest not available");
        return made;
    }();
    return ctx.get();
}

}  // namespace

Sha256 hmac_sha256(const uint8_t* key, size_t key_len, const uint8_t* data, size_t len) {
    EVP_MAC_CTX* ctx = thread_hmac_sha256();
    // A NULL key means "keep the previous key" to EVP_MAC_init, so an empty key still needs a
    // valid pointer.
    static const uint8_t kEmpty = 0;
    if (EVP_MAC_init(ctx, key_len ? key : &kEmpty, key_len, nullptr) != 1)
        fail("HMAC init failed");
    if (EVP_MAC_update(ctx, data, len) != 1)
        fail("HMAC update failed");
    Sha256 out{};
    size_t out_len = 0;
    if (EVP_MAC_final(ctx, out.data(), &out_len, out.size()) != 1 || out_len != out.size())
        fail("HMAC final failed");
    return out;
}

Bytes random_bytes(size_t n) {
    Bytes out(n);
    // RAND_bytes takes an int length; large requests go in pieces.
    size_t done = 0;
    while (done < n) {
        size_t chunk = std::min(n - done, size_t(1) << 20);
        if (RAND_bytes(out.data() + done, int(chunk)) != 1)
            fail("RAND_bytes failed");
        done += chunk;
    }
    return out;
}

Ed25519KeyPair ed25519_generate() {
    // An Ed25519 private key is 32 random bytes (RFC 8032 5.1.5); the public key derives from it.
    Bytes seed = random_bytes(32);
    Ed25519KeyPair key{};
    std::copy(seed.begin(), seed.end(), key.private_seed.begin());
    OPENSSL_cleanse(seed.data(), seed.size());
    PkeyPtr pkey = pkey_from_seed(key.private_seed);
    key.public_key = raw_public(pkey.get());
    return key;
}

std::string ed25519_private_to_pem(const Ed25519KeyPair& key) {
    PkeyPtr pkey = pkey_from_seed(key.private_seed);
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio)
        fail("BIO_new failed");
    // Unencrypted PKCS#8 ("BEGIN PRIVATE KEY"), the form `openssl genpkey` writes.
    if (PEM_write_bio_PrivateKey(bio.get(), pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        fail("cannot write Ed25519 private key as PEM");
    return bio_to_string(bio.get());
}

std::string ed25519_public_to_pem(const std::array<uint8_t, 32>& public_key) {
    PkeyPtr pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key.data(),
                                             public_key.size()));
    if (!pkey)
        fail("cannot load Ed25519 public key");
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio)
        fail("BIO_new failed");
    if (PEM_write_bio_PUBKEY(bio.get(), pkey.get()) != 1)
        fail("cannot write Ed25519 public key as PEM");
    return bio_to_string(bio.get());
}

Ed25519KeyPair ed25519_private_from_pem(std::string_view pem) {
    BioPtr bio = bio_from_text(pem);
    PkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
    if (!pkey)
        fail("not a PEM private key (or it is encrypted)");
    require_ed25519(pkey.get(), "private");
    Ed25519KeyPair key{};
    key.private_seed = raw_private(pkey.get());
    key.public_key = raw_public(pkey.get());
    return key;
}

std::array<uint8_t, 32> ed25519_public_from_pem(std::string_view pem) {
    BioPtr bio = bio_from_text(pem);
    PkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, no_passphrase, nullptr));
    if (!pkey)
        fail("not a PEM public key");
    require_ed25519(pkey.get(), "public");
    return raw_public(pkey.get());
}

std::array<uint8_t, 64> ed25519_sign(const Ed25519KeyPair& key, const uint8_t* msg, size_t len) {
    PkeyPtr pkey = pkey_from_seed(key.private_seed);
    // A caller-supplied public key that does not belong to the seed would produce signatures
    // nobody can verify against it; catch that mix-up here rather than on a device.
    if (raw_public(pkey.get()) != key.public_key)
        throw CryptoError("Ed25519 key pair: public key does not match the private key");
    MdCtxPtr ctx = new_md_ctx();
    // Ed25519 hashes internally (PureEdDSA), so the digest argument is NULL.
    if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1)
        fail("Ed25519 sign init failed");
    std::array<uint8_t, 64> sig{};
    size_t sig_len = sig.size();
    static const uint8_t kEmpty = 0;
    if (EVP_DigestSign(ctx.get(), sig.data(), &sig_len, len ? msg : &kEmpty, len) != 1 ||
        sig_len != sig.size())
        fail("Ed25519 sign failed");
    return sig;
}

// Any failure (malformed key, malformed signature, allocation) is reported as "not valid": the
// caller only needs to know whether to trust the message.
bool ed25519_verify(const std::array<uint8_t, 32>& public_key, const uint8_t* msg, size_t len,
                    const uint8_t* signature) {
    PkeyPtr pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key.data(),
                                             public_key.size()));
    MdCtxPtr ctx(EVP_MD_CTX_new());
    bool ok = pkey && ctx && signature != nullptr &&
              EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) == 1;
    static const uint8_t kEmpty = 0;
    ok =
        ok && EVP_DigestVerify(ctx.get(), signature, kSignatureSize, len ? msg : &kEmpty, len) == 1;
    ERR_clear_error();
    return ok;
}

std::array<uint8_t, 8> key_id(const std::array<uint8_t, 32>& public_key) {
    Sha256 digest = sha256(public_key.data(), public_key.size());
    std::array<uint8_t, 8> id{};
    std::copy(digest.begin(), digest.begin() + id.size(), id.begin());
    return id;
}

}  // namespace ferry::crypto
