// ferryctl: the operator's command line. Offline: keygen, sign, inspect, verify. Online (needs
// --server/FERRY_SERVER and --token/FERRY_TOKEN): upload, releases, devices, provision, ...
#include <cstdio>
#include <functional>
#include <map>

#include "ferryctl/cli.h"

using namespace ferry::ctl;

namespace {

const char* kUsage =
    "usage: ferryctl COMMAND [ARGS] [--json] [--server URL] [--token TOKEN] [--insecure] [--ca PEM]\n"
    "\n"
    "offline (the release key never leaves this machine):\n"
    "  keygen [--out NAME]                      write NAME.key (private) and NAME.pub\n"
    "  sign --key K --version V --security-counter N --hw HW --slot-a FILE --slot-b FILE\n"
    "       [--slot-a-addr 0x.. --slot-b-addr 0x..] [--out BUNDLE]\n"
    "                                            FILE is .bin, .hex or .elf linked for its slot\n"
    "  inspect FILE                             print every field of a bundle or an image\n"
    "  verify FILE --pubkey PUB [--pubkey ...]  check hashes and signatures (exit 3 if bad)\n"
    "  extract BUNDLE --slot a|b --out FILE     write one slot's image file\n"
    "\n"
    "server (FERRY_SERVER, default http://127.0.0.1:8080; FERRY_TOKEN):\n"
    "  upload BUNDLE [--expect-hw HW]           upload a signed release\n"
    "  releases                                 list releases\n"
    "  release-delete ID                        delete an unused release\n"
    "  devices [--tag T] [--version V] [--state S] [--limit N]\n"
    "  device ID                                one device and its event history\n"
    "  provision ID --hw HW [--tag T]... [--format text|c|json]\n"
    "                                            register a device and print its secret once\n"
    "  tag ID [TAG...]                          set a device's tags\n"
    "  assign TAG RELEASE                       offer RELEASE to every device tagged TAG\n"
    "  unassign TAG\n"
    "  pin ID RELEASE | unpin ID                a per-device release that overrides tags\n"
    "  token-create NAME [--role admin|operator|viewer]\n"
    "  rollout create RELEASE [--name N] [--tag T]... [--device ID]... [--from-version V]...\n"
    "         [--wave 1%|50]... [--success PCT] [--max-failures N] [--max-failure-percent PCT]\n"
    "         [--deadline S] [--max-downloads N] [--start-at UNIX|+S|YYYY-MM-DDTHH:MM:SSZ]\n"
    "                                            staged rollout; waves are cumulative\n"
    "  rollout list | show ID | pause ID | resume ID | abort ID\n"
    "  users | user-delete NAME                 dashboard accounts\n"
    "  user-create NAME [--role admin|operator|viewer] [--password-file F]\n"
    "  user-password NAME [--password-file F]   (else the password is read from stdin)\n"
    "\n"
    "exit codes: 0 ok, 1 failed, 2 usage, 3 verification failed, 4 server refused\n";

}  // namespace

int main(int argc, char** argv) {
    const std::map<std::string, std::function<int(const Args&)>> commands = {
        {"keygen", cmd_keygen},       {"sign", cmd_sign},           {"inspect", cmd_inspect},
        {"verify", cmd_verify},       {"extract", cmd_extract},       {"upload", cmd_upload},       {"releases", cmd_releases},
        {"release-delete", cmd_release_delete},                     {"devices", cmd_devices},
        {"device", cmd_device_show},  {"provision", cmd_provision}, {"tag", cmd_tag},
        {"assign", cmd_assign},       {"unassign", cmd_unassign},   {"pin", cmd_pin},
        {"unpin", cmd_unpin},         {"token-create", cmd_token_create},
        {"rollout", cmd_rollout},     {"users", cmd_users},         {"user-create", cmd_user_create},
        {"user-delete", cmd_user_delete}, {"user-password", cmd_user_password},
    };
    if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "help") {
        std::fputs(kUsage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    auto it = commands.find(argv[1]);
    if (it == commands.end()) {
        std::fprintf(stderr, "ferryctl: unknown command '%s'\n\n%s", argv[1], kUsage);
        return 2;
    }
    try {
        Args args(std::vector<std::string>(argv + 2, argv + argc), {"json", "insecure", "force"});
        return it->second(args);
    } catch (const CliError& e) {
        std::fprintf(stderr, "ferryctl %s: %s\n", argv[1], e.what());
        return e.code;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ferryctl %s: %s\n", argv[1], e.what());
        return 1;
    }
}
