#include "store/blob_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "common/crypto.h"

namespace fs = std::filesystem;

namespace ferry::store {
namespace {

bool is_sha256_hex(const std::string& s) {
    if (s.size() != 64) return false;
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

void check_name(const std::string& sha) {
    // The name becomes a path: never let anything but 64 lowercase hex digits through.
    if (!is_sha256_hex(sha)) throw std::invalid_argument("not a SHA-256 hex name: " + sha);
}

void fsync_dir(const std::string& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

}  // namespace

BlobStore::BlobStore(std::string dir) : dir_(std::move(dir)) {
    fs::create_directories(dir_ + "/tmp");
    for (const auto& entry : fs::directory_iterator(dir_ + "/tmp")) {
        std::error_code ec;
        fs::remove(entry.path(), ec);
    }
}

std::string BlobStore::path_of(const std::string& sha) const {
    check_name(sha);
    return dir_ + "/" + sha.substr(0, 2) + "/" + sha;
}

void BlobStore::put(const std::string& sha, const Bytes& data) {
    std::string final_path = path_of(sha);
    if (hex_encode(crypto::sha256(data).data(), 32) != sha) {
        throw std::invalid_argument("blob content does not match its name " + sha);
    }
    if (fs::exists(final_path)) return;
    fs::create_directories(fs::path(final_path).parent_path());
    std::string tmp = dir_ + "/tmp/" + sha + "." + std::to_string(::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot create " + tmp + ": " + std::strerror(errno));
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            int err = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            throw std::runtime_error("cannot write blob " + sha + ": " + std::strerror(err));
        }
        done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        throw std::runtime_error("cannot flush blob " + sha + ": " + std::strerror(err));
    }
    if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        throw std::runtime_error("cannot store blob " + sha + ": " + std::strerror(err));
    }
    fsync_dir(fs::path(final_path).parent_path().string());
}

std::shared_ptr<const std::string> BlobStore::get(const std::string& sha) const {
    Bytes data = read_file(path_of(sha));
    if (hex_encode(crypto::sha256(data).data(), 32) != sha) {
        throw std::runtime_error("blob " + sha + " is corrupt on disk");
    }
    return std::make_shared<const std::string>(data.begin(), data.end());
}

bool BlobStore::exists(const std::string& sha) const { return fs::exists(path_of(sha)); }

void BlobStore::remove(const std::string& sha) {
    std::error_code ec;
    fs::remove(path_of(sha), ec);
}

std::set<std::string> BlobStore::list() const {
    std::set<std::string> out;
    for (const auto& sub : fs::directory_iterator(dir_)) {
        if (!sub.is_directory() || sub.path().filename() == "tmp") continue;
        for (const auto& f : fs::directory_iterator(sub.path())) {
            std::string name = f.path().filename().string();
            if (is_sha256_hex(name)) out.insert(name);
        }
    }
    return out;
}

}  // namespace ferry::store
