// The real ARM binaries of the qemu-netduinoplus2 board under QEMU: flash files composed from
// the bootloader, a configuration record and signed slot images (boot-log records written by
// the device core itself), and QEMU runs whose exit status says what the firmware did.
#pragma once

#include <string>
#include <vector>

#include "boot/boot_log.h"
#include "flash_sim.h"
#include "process.h"
#include "test_support.h"

namespace ferry::test {

// Exit statuses of the QEMU board (boards/qemu_netduinoplus2/board.cpp).
inline constexpr int kQemuExitReset = 3, kQemuExitFault = 4, kQemuExitHalt = 5;

std::string firmware_file(const std::string& name);  // under build/device-fw/firmware
std::string dev_release_key_prefix();                 // the key the firmware was built to trust

// ferryctl sign of the board's slot A/B ELFs; returns the bundle path, writes the slot images.
struct SignedRelease {
    std::string bundle;
    Bytes image_a, image_b;
};
SignedRelease sign_firmware(const TempDir& dir, const std::string& version, uint32_t counter);

class QemuFlash {
public:
    QemuFlash();
    void bootloader();
    void config(const std::string& device_id, const Bytes& secret, const std::string& transport = "http");
    void slot(int slot, const Bytes& image);
    // The factory state: the bootloader and the first image in slot A.
    void factory(const Bytes& image_a);
    // An image in `slot` marked pending, as the agent leaves it after a download.
    void pending(int slot, const Bytes& image, uint32_t security_counter, uint32_t release);
    BootLog& log();  // the boot log on this flash, to add records as the device would
    void save(const std::string& path);  // 1 MB, as QEMU's F405 flash

private:
    host::FlashSim sim_;
    BootLog log_;
    bool log_open_ = false;
};

struct QemuResult {
    int exit_code = -1;  // -1: still running at the timeout (then terminated)
    std::string console;  // semihosting console and QEMU's own messages
};

class QemuRun {
public:
    // serial: QEMU -serial argument for USART1 (e.g. "file:PATH" or "chardev:modem") with
    // extra_args (e.g. the -chardev definition); icount for instruction counting.
    QemuRun(const std::string& flash, const std::string& log_path, const std::vector<std::string>& serial_args,
            bool icount = false);
    int wait(double timeout_s) { return process_.wait(timeout_s); }
    bool running() { return process_.running(); }
    int stop() { return process_.terminate(2); }
    std::string console() const { return process_.log(); }
    // Waits until the console contains text (or QEMU ends); true when it appeared.
    bool wait_for(const std::string& text, double timeout_s);

private:
    ChildProcess process_;
};

}  // namespace ferry::test
