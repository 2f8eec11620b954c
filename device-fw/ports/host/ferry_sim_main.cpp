// ferry-sim: one simulated Ferry device on the host, built from the real device core.
//
//   ferry-sim run ...      the bootloader decision and the update agent on a file-backed flash,
//                          talking AT to a modem (telit-sim) over a pty or socket
//   ferry-sim verify IMAGE --pubkey KEY [--chip f401xe]
//                          checks an image file exactly as the bootloader does (device code,
//                          not OpenSSL); exit 0 when it may boot, 3 when not
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "agent/agent.h"
#include "boot/boot_select.h"
#include "common/bytes.h"
#include "common/crypto.h"
#include "ferry/errors.h"
#include "flash_sim.h"
#include "host_port.h"
#include "modem/telit.h"

using namespace ferry;

namespace {

struct Options {
    std::map<std::string, std::vector<std::string>> flags;
    std::vector<std::string> positional;
    std::string get(const std::string& k, const std::string& def = "") const {
        auto it = flags.find(k);
        return it == flags.end() || it->second.empty() ? def : it->second.back();
    }
    bool has(const std::string& k) const { return flags.count(k) > 0; }
};

Options parse(int argc, char** argv, int first) {
    Options o;
    for (int i = first; i < argc; ++i) {
        std::string a = argv[i];
        if (a.rfind("--", 0) == 0) {
            std::string key = a.substr(2);
            std::string value = (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0) ? argv[++i] : "";
            o.flags[key].push_back(value);
        } else {
            o.positional.push_back(a);
        }
    }
    return o;
}

host::Chip chip_of(const std::string& name) {
    if (name == "f401xc") return host::Chip::f401xc;
    if (name == "wb55") return host::Chip::wb55;
    if (name == "f401xe" || name.empty()) return host::Chip::f401xe;
    throw std::runtime_error("unknown chip " + name + " (f401xc, f401xe, wb55)");
}

std::vector<TrustedKey> load_keys(const Options& o) {
    std::vector<TrustedKey> keys;
    auto it = o.flags.find("pubkey");
    if (it == o.flags.end()) throw std::runtime_error("--pubkey FILE is required");
    for (const std::string& path : it->second) {
        auto pub = crypto::ed25519_public_from_pem(as_chars(read_file(path)));
        TrustedKey k{};
        auto id = crypto::key_id(pub);
        std::memcpy(k.key_id, id.data(), id.size());
        std::memcpy(k.public_key, pub.data(), pub.size());
        keys.push_back(k);
    }
    return keys;
}

const char* reason_name(uint16_t r) {
    switch (r) {
        case proto::kReasonNone: return "none";
        case proto::kReasonSignatureInvalid: return "signature invalid";
        case proto::kReasonHashMismatch: return "hash mismatch or malformed image";
        case proto::kReasonHardwareMismatch: return "wrong hardware id, slot or load address";
        case proto::kReasonSecurityCounterLower: return "security counter below the floor";
        case proto::kReasonImageTooLarge: return "image too large for the slot";
        case proto::kReasonManifestInvalid: return "unknown critical trailer record";
        case proto::kReasonKeyUnknown: return "signed by a key that is not trusted";
        default: return "other";
    }
}

int cmd_verify(const Options& o) {
    if (o.positional.empty()) throw std::runtime_error("usage: ferry-sim verify IMAGE --pubkey KEY [--chip CHIP]");
    host::Chip chip = chip_of(o.get("chip"));
    const Layout& layout = host::layout_of(chip);
    Bytes image = read_file(o.positional[0]);
    if (image.size() < sizeof(proto::ImageHeader)) {
        std::printf("REFUSED: %s is too short to be an image\n", o.positional[0].c_str());
        return 3;
    }
    proto::ImageHeader h;
    std::memcpy(&h, image.data(), sizeof h);
    int slot = h.ih_slot == 1 ? 1 : 0;
    if (o.has("slot")) slot = o.get("slot") == "b" ? 1 : 0;
    if (image.size() > layout.image_limit) {
        std::printf("REFUSED: %zu bytes do not fit a %s slot (%u)\n", image.size(), layout.name, layout.image_limit);
        return 3;
    }
    host::FlashSim flash(chip);
    flash.factory_write(layout.slot_base[slot], image);
    auto keys = load_keys(o);
    ImageExpect expect{layout.hw_id, static_cast<uint8_t>(slot), layout.slot_base[slot], layout.image_limit,
                       static_cast<uint32_t>(std::stoul(o.get("min-counter", "0")))};
    ImageInfo info;
    uint16_t reason = 0;
    int err = image_check(flash.port(), expect, keys.data(), keys.size(), &info, &reason);
    if (err) {
        std::printf("REFUSED: %s (error %d, reason %u: %s)\n", o.positional[0].c_str(), err, reason, reason_name(reason));
        return 3;
    }
    std::printf("OK: %s version %u.%u.%u slot %c, security counter %u, %u bytes\n", o.positional[0].c_str(),
                info.header.ih_version.major, info.header.ih_version.minor, info.header.ih_version.patch,
                slot ? 'B' : 'A', info.header.ih_security_counter, info.image_size);
    return 0;
}

// The simulated application's self-test, set by --self-test pass|fail.
bool self_test(void* ctx) { return *static_cast<bool*>(ctx); }

void write_status(const std::string& path, const std::string& json) {
    if (path.empty()) return;
    FILE* f = std::fopen((path + ".tmp").c_str(), "w");
    if (!f) return;
    std::fputs(json.c_str(), f);
    std::fclose(f);
    std::rename((path + ".tmp").c_str(), path.c_str());
}

int cmd_run(const Options& o) {
    host::Chip chip = chip_of(o.get("chip"));
    const Layout& layout = host::layout_of(chip);
    const std::string flash_file = o.get("flash");
    if (flash_file.empty()) throw std::runtime_error("--flash FILE is required");
    struct stat st{};
    const bool fresh = ::stat(flash_file.c_str(), &st) != 0;
    host::FlashSim flash(chip, 1, flash_file);
    if (fresh) {
        if (!o.has("factory")) throw std::runtime_error("a new flash file needs --factory IMAGE for slot A");
        Bytes image = read_file(o.get("factory"));
        flash.factory_write(layout.slot_base[0], image);
    }
    auto keys = load_keys(o);
    BootConfig boot_cfg{&layout, keys.data(), keys.size()};

    AgentConfig cfg;
    std::string id = o.get("device-id");
    auto secret = hex_decode(o.get("secret"));
    if (id.empty() || id.size() > proto::kMaxDeviceIdLength || !secret || secret->size() != 32) {
        throw std::runtime_error("--device-id ID and --secret HEX(32 bytes) are required");
    }
    std::strncpy(cfg.identity.device_id, id.c_str(), sizeof cfg.identity.device_id - 1);
    std::memcpy(cfg.identity.secret, secret->data(), 32);
    cfg.boot = &boot_cfg;
    cfg.retry_min_s = static_cast<uint32_t>(std::stoul(o.get("retry-min", "2")));
    cfg.retry_max_s = static_cast<uint32_t>(std::stoul(o.get("retry-max", "30")));
    cfg.default_interval_s = static_cast<uint32_t>(std::stoul(o.get("interval", "60")));
    cfg.range_in_query = o.get("range", "header") == "query";
    const bool self_test_pass = o.get("self-test", "pass") == "pass";
    // --fail-versions A,B: the application of those versions is broken (its self-test fails),
    // as a bad release would be; other versions pass.
    const std::string fail_versions = "," + o.get("fail-versions") + ",";
    bool self_test_ok = self_test_pass;
    cfg.self_test = self_test;
    cfg.self_test_ctx = &self_test_ok;

    const std::string until_version = o.get("until-version");
    const bool until_rollback = o.has("until-rollback");
    const double timeout_s = std::stod(o.get("timeout", "600"));
    const std::string status_path = o.get("status");
    const bool verbose = o.has("verbose");
    const unsigned max_polls = static_cast<unsigned>(std::stoul(o.get("max-polls", "0")));
    unsigned polls_done = 0;
    const auto started = std::chrono::steady_clock::now();

    host::HostSerial serial(o.get("serial"));
    ClockPort clock = host::host_clock();
    host::HostSystem system(static_cast<uint32_t>(std::hash<std::string>{}(id)));
    Port port{flash.port(), serial.port(), clock, system.port()};
    AtEngine at(port.serial, clock);
    const std::string host = o.get("host", "ferry.example.com");
    const uint16_t server_port = static_cast<uint16_t>(std::stoul(o.get("port", "80")));
    const uint32_t net_timeout_ms = static_cast<uint32_t>(std::stoul(o.get("net-timeout", "120")) * 1000);
    TelitHttpClient http_client(at, host.c_str(), server_port, net_timeout_ms);
    TelitSocketClient socket_client(at, host.c_str(), server_port, net_timeout_ms);
    const bool use_sockets = o.get("transport", "http") == "socket";
    HttpTransport& transport = use_sockets ? static_cast<HttpTransport&>(socket_client)
                                           : static_cast<HttpTransport&>(http_client);
    at.set_urc_handler([](void* ctx, const char* line) { static_cast<TelitSocketClient*>(ctx)->on_urc(line); },
                       &socket_client);

    static uint8_t buffer[8192];
    unsigned boots = 0;
    std::string outcome = "timeout";
    for (;;) {
        ++boots;
        BootLog log;
        if (log.open(port.flash, layout) != FERRY_OK) throw std::runtime_error("flash read failed");
        BootDecision d;
        int err = boot_select(port.flash, log, boot_cfg, &d);
        if (err) throw std::runtime_error("boot log write failed: " + std::to_string(err));
        if (d.slot < 0) {
            std::fprintf(stderr, "ferry-sim %s: no bootable image\n", id.c_str());
            outcome = "bricked";
            break;
        }
        char version[32];
        std::snprintf(version, sizeof version, "%u.%u.%u", d.image.header.ih_version.major,
                      d.image.header.ih_version.minor, d.image.header.ih_version.patch);
        std::fprintf(stderr, "ferry-sim %s: boot %u: slot %c version %s%s\n", id.c_str(), boots, d.slot ? 'B' : 'A',
                     version, d.trial ? " (trial)" : "");
        const BootState& s = log.state();
        if (!until_version.empty() && until_version == version && !d.trial && !s.confirm_unreported &&
            s.has_confirmed && s.confirmed_slot == d.slot) {
            outcome = "updated";
            break;
        }
        self_test_ok = self_test_pass && fail_versions.find("," + std::string(version) + ",") == std::string::npos;
        if (d.trial && !self_test_ok) {
            // The new application fails its self-test and resets before checking in.
            std::fprintf(stderr, "ferry-sim %s: self-test failed, resetting\n", id.c_str());
            continue;
        }
        ModemConfig mcfg{o.get("apn", "iot").c_str(), 180000, 150000};
        ModemInfo info;
        err = telit_bring_up(at, clock, mcfg, &info);
        if (err) {
            std::fprintf(stderr, "ferry-sim %s: modem bring-up failed (%d), retrying\n", id.c_str(), err);
            std::this_thread::sleep_for(std::chrono::seconds(1));
            if (std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() > timeout_s) break;
            continue;
        }
        Agent agent(port, log, transport, cfg, buffer, sizeof buffer);
        agent.start(d.slot, d.trial);
        bool reboot = false;
        bool rollback_was_pending = log.state().rollback_unreported;
        while (!reboot) {
            int r = agent.step();
            if (r == kAgentReboot) reboot = true;
            if (r == kAgentWorked && !agent.downloading() && max_polls && ++polls_done >= max_polls) {
                outcome = "polled";
                break;
            }
            if (r < 0) {
                std::fprintf(stderr, "ferry-sim %s: step failed (%d)%s at %u\n", id.c_str(), r,
                             agent.downloading() ? " while downloading" : "", log.state().install_progress);
            } else if (verbose && r == kAgentWorked) {
                std::fprintf(stderr, "ferry-sim %s: step ok, %s, progress %u\n", id.c_str(),
                             agent.downloading() ? "downloading" : "polling", log.state().install_progress);
            }
            if (!until_version.empty() && until_version == version && !agent.downloading() &&
                !log.state().confirm_unreported && log.state().has_confirmed &&
                log.state().confirmed_slot == d.slot) {
                outcome = "updated";
                break;
            }
            if (until_rollback && rollback_was_pending && !log.state().rollback_unreported) {
                outcome = "rolled_back";
                break;
            }
            if (std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() > timeout_s) break;
            if (r == kAgentWaiting) {
                uint32_t wait = agent.due_in_ms();
                std::this_thread::sleep_for(std::chrono::milliseconds(wait > 50 ? 50 : wait + 1));
            }
        }
        if (outcome != "timeout") break;
        if (std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() > timeout_s) break;
    }
    char json[512];
    std::snprintf(json, sizeof json,
                  "{\"device\":\"%s\",\"outcome\":\"%s\",\"boots\":%u,\"serial_in\":%llu,\"serial_out\":%llu}\n",
                  id.c_str(), outcome.c_str(), boots, static_cast<unsigned long long>(serial.bytes_in()),
                  static_cast<unsigned long long>(serial.bytes_out()));
    write_status(status_path, json);
    std::fputs(json, stdout);
    const bool done = outcome == "updated" || outcome == "rolled_back" || outcome == "polled";
    return done ? 0 : (outcome == "bricked" ? 3 : 2);
}

// A fleet: one `run` per line of the devices file (its arguments, space-separated), each in its
// own process so a device that crashes or hangs cannot take the others with it.
int cmd_fleet(const Options& o) {
    const std::string file = o.get("devices");
    if (file.empty()) throw std::runtime_error("usage: ferry-sim fleet --devices FILE (one `run` argument line each)");
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot read " + file);
    std::vector<std::vector<std::string>> lines;
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream words(line);
        std::vector<std::string> args{"ferry-sim", "run"};
        for (std::string w; words >> w;) args.push_back(w);
        lines.push_back(args);
    }
    char self[4096];
    ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) throw std::runtime_error("cannot find this program's path");
    self[n] = '\0';
    std::vector<pid_t> pids;
    for (auto& args : lines) {
        pid_t pid = ::fork();
        if (pid == 0) {
            std::vector<char*> argv;
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(self, argv.data());
            ::_exit(127);
        }
        pids.push_back(pid);
    }
    int ok = 0, failed = 0;
    for (size_t i = 0; i < pids.size(); ++i) {
        int st = 0;
        ::waitpid(pids[i], &st, 0);
        bool good = WIFEXITED(st) && WEXITSTATUS(st) == 0;
        (good ? ok : failed)++;
    }
    std::printf("{\"fleet\":%zu,\"succeeded\":%d,\"failed\":%d}\n", pids.size(), ok, failed);
    return failed == 0 ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr,
                     "usage: ferry-sim run --flash FILE [--chip f401xe] [--factory IMAGE] --device-id ID --secret HEX\n"
                     "                     --pubkey PUB --serial PTY|tcp:H:P|unix:PATH [--host NAME] [--port N]\n"
                     "                     [--transport http|socket] [--range header|query] [--self-test pass|fail]\n"
                     "                     [--fail-versions V,V] [--interval S] [--retry-min S] [--retry-max S]\n"
                     "                     [--until-version V | --until-rollback | --max-polls N] [--timeout S]\n"
                     "                     [--status FILE] [--verbose]\n"
                     "       ferry-sim fleet --devices FILE   (one line of `run` arguments per device)\n"
                     "       ferry-sim verify IMAGE --pubkey PUB [--chip f401xe] [--slot a|b] [--min-counter N]\n");
        return 2;
    }
    try {
        std::string cmd = argv[1];
        Options o = parse(argc, argv, 2);
        if (cmd == "verify") return cmd_verify(o);
        if (cmd == "run") return cmd_run(o);
        if (cmd == "fleet") return cmd_fleet(o);
        std::fprintf(stderr, "ferry-sim: unknown command %s\n", cmd.c_str());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ferry-sim: %s\n", e.what());
        return 1;
    }
}
