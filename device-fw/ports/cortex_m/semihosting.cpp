#include "semihosting.h"

#include <string.h>

namespace ferry::semihost {
namespace {

enum : int {
    kSysOpen = 0x01,
    kSysClose = 0x02,
    kSysWrite0 = 0x04,
    kSysWrite = 0x05,
    kSysRead = 0x06,
    kSysSeek = 0x0A,
    kSysFlen = 0x0C,
    kSysGetCmdline = 0x15,
    kSysExitExtended = 0x20,
};
constexpr uint32_t kAdpStoppedApplicationExit = 0x20026u;

int call(int op, const void* arg) {
    register int r0 __asm__("r0") = op;
    register const void* r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

}  // namespace

int open(const char* path, int mode) {
    const uint32_t args[3] = {reinterpret_cast<uint32_t>(path), static_cast<uint32_t>(mode),
                              static_cast<uint32_t>(strlen(path))};
    return call(kSysOpen, args);
}

int close(int handle) {
    const uint32_t args[1] = {static_cast<uint32_t>(handle)};
    return call(kSysClose, args);
}

int write(int handle, const void* data, size_t len) {
    const uint32_t args[3] = {static_cast<uint32_t>(handle), reinterpret_cast<uint32_t>(data), len};
    return call(kSysWrite, args);
}

int read(int handle, void* buf, size_t len) {
    const uint32_t args[3] = {static_cast<uint32_t>(handle), reinterpret_cast<uint32_t>(buf), len};
    return call(kSysRead, args);
}

int seek(int handle, uint32_t pos) {
    const uint32_t args[2] = {static_cast<uint32_t>(handle), pos};
    return call(kSysSeek, args);
}

int file_length(int handle) {
    const uint32_t args[1] = {static_cast<uint32_t>(handle)};
    return call(kSysFlen, args);
}

void write0(const char* text) { call(kSysWrite0, text); }

int command_line(char* buf, size_t len) {
    uint32_t args[2] = {reinterpret_cast<uint32_t>(buf), len};
    return call(kSysGetCmdline, args);
}

void exit(uint32_t status) {
    const uint32_t args[2] = {kAdpStoppedApplicationExit, status};
    for (;;)
        call(kSysExitExtended, args);
}

}  // namespace ferry::semihost
