// Prepares the ferryd side of `make bench`: provisions N devices straight into the store (one
// transaction; the API path is measured elsewhere) and writes pre-signed poll targets, so the
// load generator replays real, authenticated, never-replayed polls without doing HMAC itself.
//
//   ferry_bench_setup DB_PATH DEVICES ROUNDS OUT_FILE
//       provisions bench-0..bench-N-1 plus bench-offer and bench-idle (kept out of OUT_FILE).
//       OUT_FILE holds ROUNDS x DEVICES targets, round by round, so two polls of one device
//       are DEVICES requests apart and cannot overtake each other.
//   ferry_bench_setup poll DB_PATH DEVICE COUNTER
//       prints one signed poll target for DEVICE (its secret read from the store).
#include <cstdio>
#include <fstream>
#include <string>

#include "api/device_auth.h"
#include "common/crypto.h"
#include "ferry/proto/image.h"
#include "store/sqlite_store.h"

using namespace ferry;

namespace {
int print_poll(const std::string& db, const std::string& device, const std::string& counter) {
    store::SqliteStore store(db);
    std::optional<store::Device> d;
    store.transact([&](store::Tx& tx) { d = tx.device_by_name(device); });
    if (!d) {
        std::fprintf(stderr, "no device %s\n", device.c_str());
        return 1;
    }
    std::string t = "/p?d=" + device + "&n=" + counter + "&v=1.0.0&s=0&k=1&b=0";
    std::printf("%s&m=%s\n", t.c_str(), api::device_mac_hex(d->secret, t).c_str());
    return 0;
}
}  // namespace

int main(int argc, char** argv) {
    if (argc == 5 && std::string(argv[1]) == "poll") return print_poll(argv[2], argv[3], argv[4]);
    if (argc != 5) {
        std::fprintf(stderr, "usage: %s DB_PATH DEVICES ROUNDS OUT_FILE\n", argv[0]);
        return 2;
    }
    std::string db = argv[1];
    long devices = std::stol(argv[2]);
    long rounds = std::stol(argv[3]);
    store::SqliteStore store(db);
    std::vector<Bytes> secrets(devices + 2);
    store.transact([&](store::Tx& tx) {
        for (long i = 0; i < devices + 2; ++i) {
            store::Device d;
            d.name = i == devices ? "bench-offer" : i == devices + 1 ? "bench-idle" : "bench-" + std::to_string(i);
            d.hw_id = proto::kHwF401xE;
            d.secret = crypto::random_bytes(32);
            d.created_at = 1;
            tx.insert_device(d);
            secrets[i] = d.secret;
        }
    });
    std::ofstream out(argv[4]);
    for (long r = 1; r <= rounds; ++r) {
        for (long i = 0; i < devices; ++i) {
            std::string t = "/p?d=bench-" + std::to_string(i) + "&n=" + std::to_string(r) +
                            "&v=1.0.0&s=0&k=1&b=0";
            out << t << "&m=" << api::device_mac_hex(secrets[i], t) << "\n";
        }
    }
    std::printf("provisioned %ld devices, wrote %ld polls to %s\n", devices, devices * rounds, argv[4]);
    return 0;
}
