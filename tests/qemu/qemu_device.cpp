#include "qemu_device.h"

#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "common/bytes.h"
#include "config/device_config.h"
#include "ferry/errors.h"

namespace ferry::test {

std::string firmware_file(const std::string& name) { return std::string(FERRY_FIRMWARE_DIR) + "/" + name; }
std::string dev_release_key_prefix() { return firmware_file("dev-release"); }

SignedRelease sign_firmware(const TempDir& dir, const std::string& version, uint32_t counter) {
    SignedRelease r;
    r.bundle = dir.file("fw-" + version + ".fbundle");
    const std::string elf = firmware_file("qemu-netduinoplus2/app-slot-");
    auto sign = run_command(ferryctl_path() + " sign --key " + dev_release_key_prefix() + ".key --version " +
                            version + " --security-counter " + std::to_string(counter) +
                            " --hw qemu-netduinoplus2 --slot-a " + elf + "a.elf --slot-b " + elf + "b.elf --out " +
                            r.bundle);
    if (sign.code != 0) throw std::runtime_error(sign.output);
    for (const char* s : {"a", "b"}) {
        const std::string out = dir.file("fw-" + version + "-" + s + ".img");
        auto ex = run_command(ferryctl_path() + " extract " + r.bundle + " --slot " + s + " --out " + out);
        if (ex.code != 0) throw std::runtime_error(ex.output);
        (std::string(s) == "a" ? r.image_a : r.image_b) = read_file(out);
    }
    return r;
}

// The host simulation of an F401xE flash has the same sectors 0-7 as the F405's first 512 KB.
QemuFlash::QemuFlash() : sim_(host::Chip::f401xe) {}

void QemuFlash::bootloader() {
    const Bytes bin = read_file(firmware_file("qemu-netduinoplus2/bootloader.bin"));
    if (bin.size() > kLayoutQemuNetduinoPlus2.bootloader_size) throw std::runtime_error("bootloader over 16 KB");
    sim_.factory_write(0x08000000u, bin);
}

void QemuFlash::config(const std::string& device_id, const Bytes& secret, const std::string& transport) {
    proto::DeviceConfigRecord rec{};
    std::strncpy(rec.device_id, device_id.c_str(), sizeof rec.device_id);
    if (secret.size() != sizeof rec.secret) throw std::runtime_error("secret must be 32 bytes");
    std::memcpy(rec.secret, secret.data(), secret.size());
    std::strncpy(rec.server_host, "ferry.example.com", sizeof rec.server_host);
    rec.server_port = 80;
    rec.transport = transport == "socket" ? 1 : 0;
    std::strncpy(rec.apn, "iot", sizeof rec.apn);
    rec.default_interval_s = 5;
    device_config_seal(&rec);
    const auto* p = reinterpret_cast<const uint8_t*>(&rec);
    sim_.factory_write(kLayoutQemuNetduinoPlus2.config_addr, Bytes(p, p + sizeof rec));
}

void QemuFlash::slot(int slot, const Bytes& image) {
    sim_.factory_write(kLayoutQemuNetduinoPlus2.slot_base[slot], image);
}

void QemuFlash::factory(const Bytes& image_a) {
    bootloader();
    slot(0, image_a);
}

void QemuFlash::pending(int slot_index, const Bytes& image, uint32_t security_counter, uint32_t release) {
    slot(slot_index, image);
    if (log().append({kRecPending, static_cast<uint8_t>(slot_index), 0, security_counter, release, 0, 0}) != FERRY_OK)
        throw std::runtime_error("boot log append failed");
}

BootLog& QemuFlash::log() {
    if (!log_open_ && log_.open(sim_.port(), kLayoutQemuNetduinoPlus2) != FERRY_OK)
        throw std::runtime_error("boot log open failed");
    log_open_ = true;
    return log_;
}

void QemuFlash::save(const std::string& path) {
    Bytes image(1024 * 1024, 0xFF);
    std::memcpy(image.data(), sim_.memory().data(), sim_.memory().size());
    write_file_atomic(path, image.data(), image.size());
}

QemuRun::QemuRun(const std::string& flash, const std::string& log_path, const std::vector<std::string>& serial_args,
                 bool icount)
    : process_(
          [&] {
              std::vector<std::string> argv = {FERRY_QEMU_BIN, "-M", "netduinoplus2", "-display", "none",
                                               "-monitor", "none", "-semihosting-config",
                                               "enable=on,target=native,arg=" + flash, "-device",
                                               "loader,file=" + flash + ",addr=0x08000000,force-raw=on"};
              if (icount) {
                  argv.push_back("-icount");
                  argv.push_back("shift=0,sleep=off");
              }
              argv.insert(argv.end(), serial_args.begin(), serial_args.end());
              return argv;
          }(),
          log_path) {}

bool QemuRun::wait_for(const std::string& text, double timeout_s) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    while (std::chrono::steady_clock::now() < deadline) {
        if (console().find(text) != std::string::npos) return true;
        if (!process_.running()) return console().find(text) != std::string::npos;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

}  // namespace ferry::test
