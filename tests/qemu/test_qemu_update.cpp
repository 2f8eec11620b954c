// A whole update on the real ARM binaries: application v1 in QEMU speaks AT over USART1 to
// telit-sim (a TCP chardev), downloads v2 from a real ferryd, writes slot B through the
// semihosting flash port into the host file and resets (QEMU exits with status 3); the test
// starts QEMU again on that file, the bootloader starts v2 on trial, v2 checks in and confirms,
// and ferryd records the device as updated.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "qemu_device.h"
#include "server_fixture.h"

using namespace ferry;
using namespace ferry::test;

namespace {

int free_tcp_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

std::vector<std::string> event_kinds(ServerFixture& f, const std::string& device) {
    std::vector<std::string> kinds;
    const nlohmann::json events = f.api_json("/api/v1/devices/" + device + "/events?limit=200");
    for (const auto& e : events["events"])
        kinds.insert(kinds.begin(), e["kind"].get<std::string>());
    return kinds;
}

}  // namespace

TEST_CASE("QEMU: application v1 downloads v2 from ferryd through telit-sim, reboots into it and confirms",
          "[qemu][update]") {
    ServerFixture f({"--poll-interval", "10", "--poll-jitter", "0"}, dev_release_key_prefix());
    SignedRelease v1 = sign_firmware(f.dir, "1.0.0", 1);
    SignedRelease v2 = sign_firmware(f.dir, "2.0.0", 2);
    auto prov = f.ctl("provision qemu-1 --hw qemu-netduinoplus2 --tag qemu --format json");
    REQUIRE(prov.code == 0);
    const auto secret = hex_decode(nlohmann::json::parse(prov.output)["secret"].get<std::string>());
    REQUIRE(secret);
    auto up = f.ctl("upload " + v2.bundle + " --json");
    REQUIRE(up.code == 0);
    const int64_t release = nlohmann::json::parse(up.output.substr(up.output.find('{')))["id"];
    REQUIRE(f.ctl("assign qemu " + std::to_string(release)).code == 0);

    QemuFlash flash;
    flash.factory(v1.image_a);
    flash.config("qemu-1", *secret);
    const std::string file = f.dir.file("flash.bin");
    flash.save(file);

    const int port = free_tcp_port();
    ChildProcess modem({TELIT_SIM_BIN, "--listen", "127.0.0.1:" + std::to_string(port), "--server",
                        "127.0.0.1:" + std::to_string(f.ferryd->port()), "--profile", "cat1", "--log-level", "2",
                        "--stats", f.dir.file("modem-stats.json")},
                       f.dir.file("modem.log"));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));

    std::string consoles;
    std::string state;
    int boots = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(6);
    while (state != "updated" && std::chrono::steady_clock::now() < deadline && boots < 8) {
        ++boots;
        QemuRun qemu(file, f.dir.file("qemu-" + std::to_string(boots) + ".log"),
                     {"-chardev", "socket,id=modem,host=127.0.0.1,port=" + std::to_string(port) + ",nodelay=on",
                      "-serial", "chardev:modem"});
        int code = -1;
        while (code == -1 && std::chrono::steady_clock::now() < deadline) {
            code = qemu.wait(0.5);
            state = f.api_json("/api/v1/devices/qemu-1")["state"].get<std::string>();
            if (state == "updated") break;
        }
        if (qemu.running()) qemu.stop();
        consoles += "--- boot " + std::to_string(boots) + " (exit " + std::to_string(code) + ")\n" + qemu.console();
        if (code != -1 && code != kQemuExitReset) break;  // a fault or a halt: nothing more to try
    }
    modem.terminate();
    INFO("consoles:\n" << consoles << "\nmodem log tail:\n"
                       << modem.log().substr(modem.log().size() > 4000 ? modem.log().size() - 4000 : 0));
    const auto dev = f.api_json("/api/v1/devices/qemu-1");
    CHECK(dev["state"] == "updated");
    CHECK(dev["version"] == "2.0.0");
    CHECK(dev["slot"] == 1);
    CHECK(consoles.find("ferry-boot: qemu-netduinoplus2 slot A version 1.0.0 confirmed") != std::string::npos);
    CHECK(consoles.find("update ready: rebooting into it") != std::string::npos);
    CHECK(consoles.find("ferry-boot: qemu-netduinoplus2 slot B version 2.0.0 trial") != std::string::npos);
    CHECK(consoles.find("ferry-app 2.0.0 slot B") != std::string::npos);
    const auto kinds = event_kinds(f, "qemu-1");
    std::string joined;
    for (const auto& k : kinds) joined += k + " ";
    INFO("events: " << joined);
    CHECK(std::find(kinds.begin(), kinds.end(), "trial_boot") != kinds.end());
    REQUIRE_FALSE(kinds.empty());
    CHECK(kinds.back() == "updated");
}
