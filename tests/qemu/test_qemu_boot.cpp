// The real bootloader and application (qemu-netduinoplus2 build) in QEMU: the bootloader checks
// SHA-256 and the Ed25519 signature of the slot it starts, takes a valid pending image on trial,
// refuses a badly signed one, and the application announces its version on USART1.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "ferry/proto/device_api.h"
#include "qemu_device.h"

using namespace ferry;
using namespace ferry::test;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct BootRun {
    std::string console, usart1;
};

// Boots the flash once and returns what the firmware said, after the application's banner.
BootRun boot(const TempDir& dir, QemuFlash& flash, const std::string& expect_banner) {
    const std::string file = dir.file("flash.bin"), usart = dir.file("usart1.txt");
    flash.save(file);
    QemuRun qemu(file, dir.file("qemu.log"), {"-serial", "file:" + usart});
    const bool seen = qemu.wait_for(expect_banner, 60);
    qemu.stop();
    BootRun r{qemu.console(), slurp(usart)};
    INFO("console:\n" << r.console);
    REQUIRE(seen);
    return r;
}

}  // namespace

TEST_CASE("QEMU: the bootloader checks and starts slot A, the application prints its version on USART1",
          "[qemu]") {
    TempDir dir;
    SignedRelease v1 = sign_firmware(dir, "1.0.0", 1);
    QemuFlash flash;
    flash.factory(v1.image_a);
    BootRun r = boot(dir, flash, "ferry-app 1.0.0 slot A");
    CHECK(r.console.find("ferry-boot: qemu-netduinoplus2 slot A version 1.0.0 confirmed") != std::string::npos);
    CHECK(r.usart1.find("ferry-app 1.0.0 slot A on qemu-netduinoplus2\r\n") != std::string::npos);
    // No configuration record was written: the application says so and keeps running.
    CHECK(r.console.find("no device configuration record") != std::string::npos);
}

TEST_CASE("QEMU: a valid pending v2 in slot B is started on trial", "[qemu]") {
    TempDir dir;
    SignedRelease v1 = sign_firmware(dir, "1.0.0", 1);
    SignedRelease v2 = sign_firmware(dir, "2.0.0", 2);
    QemuFlash flash;
    flash.factory(v1.image_a);
    flash.pending(1, v2.image_b, 2, 7);
    BootRun r = boot(dir, flash, "ferry-app 2.0.0 slot B");
    CHECK(r.console.find("ferry-boot: qemu-netduinoplus2 slot B version 2.0.0 trial") != std::string::npos);
    CHECK(r.usart1.find("ferry-app 2.0.0 slot B on qemu-netduinoplus2") != std::string::npos);
}

TEST_CASE("QEMU: a pending image with a bad signature is refused and slot A starts", "[qemu]") {
    TempDir dir;
    SignedRelease v1 = sign_firmware(dir, "1.0.0", 1);
    SignedRelease v2 = sign_firmware(dir, "2.0.0", 2);
    Bytes bad = v2.image_b;
    bad[bad.size() - 1] ^= 0x01;  // one bit of the Ed25519 signature (the last trailer record)
    QemuFlash flash;
    flash.factory(v1.image_a);
    flash.pending(1, bad, 2, 7);
    BootRun r = boot(dir, flash, "ferry-app 1.0.0 slot A");
    CHECK(r.console.find("slot B") == std::string::npos);
    CHECK(r.usart1.find("ferry-app 1.0.0 slot A") != std::string::npos);
    // The bootloader recorded the rollback with its reason in the flash file (semihosting).
    host::FlashSim after(host::Chip::f401xe);
    const Bytes written = read_file(dir.file("flash.bin"));
    after.factory_write(0x08000000u, Bytes(written.begin(), written.begin() + 512 * 1024));
    BootLog log;
    REQUIRE(log.open(after.port(), kLayoutQemuNetduinoPlus2) == 0);
    CHECK_FALSE(log.state().pending);
    CHECK(log.state().rollback_unreported);
    CHECK(log.state().rollback_reason == proto::kReasonSignatureInvalid);
}

TEST_CASE("QEMU: the application boots the same without the bootloader in front of it", "[qemu]") {
    TempDir dir;
    SignedRelease v1 = sign_firmware(dir, "1.0.0", 1);
    QemuFlash with;
    with.factory(v1.image_a);
    BootRun via_bootloader = boot(dir, with, "no device configuration record");

    // No bootloader: sector 0 holds zeros and the CPU starts at the application's reset handler
    // (as a debugger would start it), from the core's reset state: VTOR 0, no valid stack
    // pointer, clocks untouched. The application sets all of that up itself.
    TempDir dir2;
    QemuFlash without;
    without.slot(0, v1.image_a);
    const std::string file = dir2.file("flash.bin"), usart = dir2.file("usart1.txt");
    without.save(file);
    Bytes raw = read_file(file);
    std::fill(raw.begin(), raw.begin() + 8, 0);
    write_file_atomic(file, raw.data(), raw.size());
    const Bytes elf = read_file(firmware_file("qemu-netduinoplus2/app-slot-a.elf"));
    const uint32_t entry = elf[24] | elf[25] << 8 | elf[26] << 16 | static_cast<uint32_t>(elf[27]) << 24;
    char loader[64];
    std::snprintf(loader, sizeof loader, "loader,addr=0x%08x,cpu-num=0", entry);
    QemuRun qemu(file, dir2.file("qemu.log"), {"-serial", "file:" + usart, "-device", loader});
    const bool seen = qemu.wait_for("no device configuration record", 60);
    qemu.stop();
    INFO("without the bootloader:\n" << qemu.console());
    REQUIRE(seen);
    // The application's own output is the same line for line; only the bootloader's line differs.
    const std::string app_part = via_bootloader.console.substr(via_bootloader.console.find("ferry-app"));
    const std::string alone = qemu.console().substr(qemu.console().find("ferry-app"));
    CHECK(alone.substr(0, app_part.size()) == app_part);
    CHECK(slurp(usart) == via_bootloader.usart1);
}
