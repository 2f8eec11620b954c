// Boot time of the real bootloader: instructions from reset to the hand-off for a 192 KB image,
// counted by QEMU (-icount shift=0: the virtual clock advances 1 ns per instruction; the board
// reads it through TIM2 just before the jump). Printed, not asserted against a time: the
// figure and what it implies at 84 MHz go into the notes.
#include <catch2/catch.hpp>
#include <cstdio>
#include <random>
#include <regex>

#include "qemu_device.h"

using namespace ferry;
using namespace ferry::test;

namespace {

// The application binary padded with random bytes to the largest image a slot takes.
Bytes signed_image_of_size(const TempDir& dir, size_t image_size) {
    Bytes app = read_file(firmware_file("qemu-netduinoplus2/app-slot-a.bin"));
    const size_t app_size = image_size - 512 - 116;  // header region and standard trailer
    std::mt19937 rng(7);
    while (app.size() < app_size) app.push_back(static_cast<uint8_t>(rng()));
    const std::string bin = dir.file("big-a.bin"), bundle = dir.file("big.fbundle"), img = dir.file("big-a.img");
    write_file_atomic(bin, app.data(), app.size());
    auto sign = run_command(ferryctl_path() + " sign --key " + dev_release_key_prefix() +
                            ".key --version 1.0.0 --security-counter 1 --hw qemu-netduinoplus2 --slot-a " + bin +
                            " --slot-b " + firmware_file("qemu-netduinoplus2/app-slot-b.elf") + " --out " + bundle);
    REQUIRE(sign.code == 0);
    REQUIRE(run_command(ferryctl_path() + " extract " + bundle + " --slot a --out " + img).code == 0);
    Bytes image = read_file(img);
    REQUIRE(image.size() == image_size);
    return image;
}

uint64_t instructions_to_handoff(const TempDir& dir, const Bytes& image) {
    QemuFlash flash;
    flash.factory(image);
    const std::string tag = std::to_string(image.size());
    const std::string file = dir.file("flash-" + tag + ".bin");
    flash.save(file);
    QemuRun qemu(file, dir.file("qemu-" + tag + ".log"), {"-serial", "null"}, true);
    REQUIRE(qemu.wait_for("ferry-app", 60));
    qemu.stop();
    std::smatch m;
    const std::string console = qemu.console();
    REQUIRE(std::regex_search(console, m, std::regex("hand-off after ([0-9]+) virtual ns")));
    return std::stoull(m[1]);
}

}  // namespace

TEST_CASE("QEMU: instructions from reset to the hand-off, 192 KB image", "[qemu][boot-time]") {
    TempDir dir;
    const Bytes big = signed_image_of_size(dir, 196608);
    const Bytes small = signed_image_of_size(dir, 32768);
    const uint64_t n_big = instructions_to_handoff(dir, big);
    const uint64_t n_small = instructions_to_handoff(dir, small);
    const double per_byte = static_cast<double>(n_big - n_small) / (196608 - 32768);
    std::printf("boot-time: 192 KB image: %llu instructions reset -> hand-off; at 84 MHz and 1 cycle per "
                "instruction %.0f ms (32 KB image: %llu, %.0f ms); hashing %.1f instructions per byte\n",
                static_cast<unsigned long long>(n_big), n_big / 84e3, static_cast<unsigned long long>(n_small),
                n_small / 84e3, per_byte);
    CHECK(n_big > n_small);  // the count follows the work: hashing more bytes costs more
}
