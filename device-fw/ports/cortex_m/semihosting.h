// ARM semihosting (the "Semihosting for AArch32 and AArch64" specification): calls a debugger
// or QEMU answers on the host. Only the QEMU board uses it; on a chip without a debugger the
// BKPT would fault, so nothing else may call these.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace ferry::semihost {

int open(const char* path, int mode);  // mode 3 = "r+b"; handle or -1
int close(int handle);
// Both return the number of bytes NOT transferred (0 = all), as the specification says.
int write(int handle, const void* data, size_t len);
int read(int handle, void* buf, size_t len);
int seek(int handle, uint32_t pos);  // 0 on success
int file_length(int handle);
void write0(const char* text);  // to the host's console
// The command line given to the emulator (QEMU: -semihosting-config arg=...). 0 on success.
int command_line(char* buf, size_t len);
// Ends the emulation with this exit status (SYS_EXIT_EXTENDED, ApplicationExit).
[[noreturn]] void exit(uint32_t status);

}  // namespace ferry::semihost
