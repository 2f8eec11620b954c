// Password hashing with scrypt (OpenSSL EVP_PBE_scrypt). Passwords, unlike API tokens, are
// guessable, so each check must cost real time and memory: N = 2^17, r = 8, p = 1 (OWASP's
// minimum) takes 128 MiB and some 400 ms here. The parameters travel with the hash, so they can
// grow later; the log-in lets one check run at a time (account_routes.cpp).
#pragma once

#include <string>
#include <string_view>

namespace ferry::password {

// "scrypt$17$8$1$<salt>$<key>" (salt 16 random bytes, key 32 bytes, both base64url).
std::string hash(std::string_view password);
// False for a wrong password and for anything that is not a hash this code wrote.
bool verify(std::string_view password, std::string_view encoded);
// Why a new password is refused ("" when acceptable): 10..200 characters.
std::string weakness(std::string_view password);
// A random password for a first admin account: 20 characters base64url (120 bits).
std::string generate();

}  // namespace ferry::password
