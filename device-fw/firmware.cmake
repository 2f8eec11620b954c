# The ARM cross builds, driven from the one host build with custom commands (the host compiler
# stays the project's compiler; these call arm-none-eabi-g++ directly):
#   - the portable core, the Cortex-M/STM32 ports, the bootloader and the example application
#     compiled once for Cortex-M4 (freestanding: no exceptions, RTTI, heap or threadsafe statics);
#   - per board: its board file and vector table, then the bootloader linked at the start of
#     flash and the application linked for slot A and for slot B (linker scripts from
#     link/image.ld.in);
#   - a size table (flash and RAM of each program) printed by the build and kept in
#     firmware/sizes.txt, and -fstack-usage/-fcallgraph-info files for the stack report.
find_program(FERRY_ARM_CXX arm-none-eabi-g++)
find_program(FERRY_ARM_AR arm-none-eabi-ar)
find_program(FERRY_ARM_SIZE arm-none-eabi-size)
find_program(FERRY_ARM_OBJCOPY arm-none-eabi-objcopy)
find_program(FERRY_ARM_NM arm-none-eabi-nm)
find_program(FERRY_OPENSSL openssl)
if(NOT (FERRY_ARM_CXX AND FERRY_ARM_AR AND FERRY_ARM_SIZE AND FERRY_ARM_OBJCOPY AND FERRY_ARM_NM AND FERRY_OPENSSL))
  message(WARNING "arm-none-eabi tools or openssl not found: the ARM builds are skipped "
                  "(scripts/install-deps.sh build installs them)")
  return()
endif()

set(FW_OUT ${CMAKE_CURRENT_BINARY_DIR}/firmware)
set(FW_SRC ${CMAKE_CURRENT_SOURCE_DIR})
set(FERRY_FIRMWARE_DIR ${FW_OUT} CACHE INTERNAL "ARM build outputs")
# No ccache here: it restores objects and .su files but not the -fcallgraph-info files the stack
# report needs, and the ARM objects build in well under a minute.
set(FW_LAUNCHER)
set(FW_FLAGS -mcpu=cortex-m4 -mthumb -mfloat-abi=soft -Os -g -std=c++17 -ffreestanding
    -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit -ffunction-sections
    -fdata-sections -fstack-usage -fcallgraph-info=su -Wall -Wextra -Werror=vla
    -Wno-missing-field-initializers
    -I${FW_SRC} -I${FW_SRC}/core -I${FW_SRC}/core/include -I${CMAKE_SOURCE_DIR}/proto/include
    -I${FW_SRC}/ports/cortex_m -I${FW_SRC}/ports/stm32 -I${FW_SRC}/ports/stm32f4
    -I${FW_SRC}/ports/stm32wb -I${FW_SRC}/ports/qemu -I${FW_SRC}/app -I${FW_OUT})

# The release keys the bootloader (and the agent) trust. FERRY_RELEASE_PUBKEYS: PEM files from
# `ferryctl keygen`, separated by ';'. Unset: a development key made once in the build tree
# (build/device-fw/firmware/dev-release.key signs the test images; never ship it).
set(FERRY_RELEASE_PUBKEYS "" CACHE STRING "release public keys (PEM) built into the firmware")
set(FW_PUBKEYS ${FERRY_RELEASE_PUBKEYS})
if(NOT FW_PUBKEYS)
  set(FW_PUBKEYS ${FW_OUT}/dev-release.pub)
  # Made once: a rebuilt ferryctl reruns this, which then keeps the key it finds (and the
  # unchanged outputs stop the rebuild there), so the firmware is not re-keyed and re-signed.
  add_custom_command(OUTPUT ${FW_OUT}/dev-release.pub ${FW_OUT}/dev-release.key
    COMMAND ${CMAKE_COMMAND} -E make_directory ${FW_OUT}
    COMMAND sh -c "test -f '${FW_OUT}/dev-release.key' -a -f '${FW_OUT}/dev-release.pub' || exec '$<TARGET_FILE:ferryctl>' keygen --out '${FW_OUT}/dev-release'"
    DEPENDS ferryctl COMMENT "Development release key for the firmware builds" VERBATIM)
endif()
add_custom_command(OUTPUT ${FW_OUT}/release_keys.h
  COMMAND ${CMAKE_COMMAND} -DOPENSSL=${FERRY_OPENSSL} "-DKEYS=${FW_PUBKEYS}" -DOUT=${FW_OUT}/release_keys.h
          -P ${FW_SRC}/cmake/release_keys.cmake
  DEPENDS ${FW_PUBKEYS} ${FW_SRC}/cmake/release_keys.cmake
  COMMENT "Release keys for the firmware" VERBATIM)

# Compiles sources for Cortex-M4 into ${FW_OUT}/<tag>/...; the object list goes to out_var.
function(ferry_fw_compile out_var tag)
  cmake_parse_arguments(A "" "" "DEFINES;SOURCES" ${ARGN})
  set(objects)
  foreach(src ${A_SOURCES})
    file(RELATIVE_PATH rel ${FW_SRC} ${src})
    set(obj ${FW_OUT}/${tag}/${rel}.o)
    get_filename_component(dir ${obj} DIRECTORY)
    add_custom_command(OUTPUT ${obj}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
      COMMAND ${FW_LAUNCHER} ${FERRY_ARM_CXX} ${FW_FLAGS} ${A_DEFINES} -MMD -MF ${obj}.d -c ${src} -o ${obj}
      DEPENDS ${src} ${FW_OUT}/release_keys.h DEPFILE ${obj}.d
      WORKING_DIRECTORY ${dir}
      COMMENT "Cortex-M4 ${tag}: ${rel}" VERBATIM)
    list(APPEND objects ${obj})
  endforeach()
  set(${out_var} ${objects} PARENT_SCOPE)
endfunction()

function(ferry_fw_archive name)
  set(lib ${FW_OUT}/lib${name}.a)
  add_custom_command(OUTPUT ${lib}
    COMMAND ${CMAKE_COMMAND} -E rm -f ${lib}
    COMMAND ${FERRY_ARM_AR} rcs ${lib} ${ARGN}
    DEPENDS ${ARGN} COMMENT "Cortex-M4 archive lib${name}.a" VERBATIM)
endfunction()

file(GLOB FW_CORE_SOURCES CONFIGURE_DEPENDS ${FW_SRC}/core/*/*.cpp)
ferry_fw_compile(FW_CORE_OBJECTS common SOURCES ${FW_CORE_SOURCES})
ferry_fw_archive(ferry_core ${FW_CORE_OBJECTS})
ferry_fw_compile(FW_PORT_OBJECTS common SOURCES
  ${FW_SRC}/ports/cortex_m/startup.cpp ${FW_SRC}/ports/cortex_m/irq_dispatch.cpp
  ${FW_SRC}/ports/cortex_m/systick.cpp ${FW_SRC}/ports/cortex_m/handoff.cpp
  ${FW_SRC}/ports/cortex_m/semihosting.cpp ${FW_SRC}/ports/stm32/iwdg.cpp
  ${FW_SRC}/ports/stm32/buffered_usart.cpp
  ${FW_SRC}/ports/stm32f4/clock_f4.cpp ${FW_SRC}/ports/stm32f4/flash_f4.cpp
  ${FW_SRC}/ports/stm32wb/clock_wb.cpp ${FW_SRC}/ports/stm32wb/flash_wb.cpp
  ${FW_SRC}/ports/qemu/flash_semihost.cpp)
ferry_fw_archive(ferry_ports ${FW_PORT_OBJECTS})
ferry_fw_compile(FW_BOOT_OBJECTS common SOURCES ${FW_SRC}/boot/bootloader.cpp)
ferry_fw_compile(FW_APP_OBJECTS common SOURCES ${FW_SRC}/app/main.cpp ${FW_SRC}/app/data_logger.cpp)

set(FW_LINK_FLAGS -mcpu=cortex-m4 -mthumb -mfloat-abi=soft -nostartfiles -specs=nano.specs
    -Wl,--gc-sections -Wl,--no-warn-rwx-segments -Wl,--nmagic)
set(FW_LIBS ${FW_OUT}/libferry_ports.a ${FW_OUT}/libferry_core.a)

# Links one program: ELF, raw binary and map, with a linker script for its place in flash.
function(ferry_fw_link name board)
  cmake_parse_arguments(A "" "FLASH_ORIGIN;FLASH_LENGTH;RAM_LENGTH;SLOT_BASE;MIN_STACK" "OBJECTS" ${ARGN})
  set(LD_PROGRAM ${name})
  set(LD_BOARD ${board})
  set(LD_FLASH_ORIGIN ${A_FLASH_ORIGIN})
  set(LD_FLASH_LENGTH ${A_FLASH_LENGTH})
  set(LD_RAM_LENGTH ${A_RAM_LENGTH})
  set(LD_SLOT_BASE ${A_SLOT_BASE})
  set(LD_MIN_STACK ${A_MIN_STACK})
  set(dir ${FW_OUT}/${board})
  configure_file(${FW_SRC}/link/image.ld.in ${dir}/${name}.ld @ONLY)
  add_custom_command(OUTPUT ${dir}/${name}.elf ${dir}/${name}.bin
    COMMAND ${FERRY_ARM_CXX} ${FW_LINK_FLAGS} -T ${dir}/${name}.ld -Wl,-Map=${dir}/${name}.map
            ${A_OBJECTS} -Wl,--start-group ${FW_LIBS} -lc_nano -lgcc -Wl,--end-group -o ${dir}/${name}.elf
    COMMAND ${FERRY_ARM_OBJCOPY} -O binary ${dir}/${name}.elf ${dir}/${name}.bin
    DEPENDS ${A_OBJECTS} ${FW_LIBS} ${dir}/${name}.ld
    COMMENT "Linking ${board}/${name}.elf" VERBATIM)
  # Worst stack depth from the call graphs of what was linked (-fcallgraph-info=su).
  set(graphs)
  foreach(obj ${A_OBJECTS} ${FW_CORE_OBJECTS} ${FW_PORT_OBJECTS})
    string(REGEX REPLACE "\\.o$" ".ci" ci ${obj})
    list(APPEND graphs ${ci})
  endforeach()
  add_custom_command(OUTPUT ${dir}/${name}.stack.txt
    COMMAND ${FERRY_ARM_NM} ${dir}/${name}.elf > ${dir}/${name}.nm
    COMMAND $<TARGET_FILE:ferry-stack-depth> main ${dir}/${name}.nm ${graphs} > ${dir}/${name}.stack.txt
    DEPENDS ${dir}/${name}.elf ferry-stack-depth
    COMMENT "Stack depth of ${board}/${name}" VERBATIM)
endfunction()

# Boards: name, flash/RAM sizes, IRQ count, defines. The slot addresses come from the layouts
# (device-fw/core/boot/layout.cpp, proto/image-format.md); an application's flash region ends
# where its image limit minus the header (512) and the standard trailer (116) ends, so a
# program that links is one `ferryctl sign` accepts.
set(FW_BOARDS f401xc f401xe wb55 qemu-netduinoplus2)
set(FW_f401xc_RAM 64K)
set(FW_f401xc_IRQS 85)
set(FW_f401xc_SLOTS 0x08010000 0x08020000)
set(FW_f401xc_LIMIT 65536)
set(FW_f401xc_SOURCE f401/board.cpp)
set(FW_f401xc_DEFINES -DFERRY_F401_FLASH_KB=256)
set(FW_f401xe_RAM 96K)
set(FW_f401xe_IRQS 85)
set(FW_f401xe_SLOTS 0x08010000 0x08040000)
set(FW_f401xe_LIMIT 196608)
set(FW_f401xe_SOURCE f401/board.cpp)
set(FW_f401xe_DEFINES -DFERRY_F401_FLASH_KB=512)
set(FW_wb55_RAM 192K)
set(FW_wb55_IRQS 63)
set(FW_wb55_SLOTS 0x08010000 0x08040000)
set(FW_wb55_LIMIT 196608)
set(FW_wb55_SOURCE wb55/board.cpp)
set(FW_wb55_DEFINES)
set(FW_qemu-netduinoplus2_RAM 96K)
set(FW_qemu-netduinoplus2_IRQS 82)
set(FW_qemu-netduinoplus2_SLOTS 0x08010000 0x08040000)
set(FW_qemu-netduinoplus2_LIMIT 196608)
set(FW_qemu-netduinoplus2_SOURCE qemu_netduinoplus2/board.cpp)
set(FW_qemu-netduinoplus2_DEFINES)

# The bootloader is linked with room to spare so that an oversized one still links and the
# size test (tests/firmware) says by how much it misses sector 0, instead of a linker error.
set(FW_BOOT_LINK_LENGTH 32K)
set(FW_OUTPUTS)
set(FW_ELFS)
set(FW_STACKS)
foreach(board ${FW_BOARDS})
  set(defines ${FW_${board}_DEFINES} -DFERRY_IRQ_COUNT=${FW_${board}_IRQS})
  ferry_fw_compile(board_objects ${board} DEFINES ${defines} SOURCES
    ${FW_SRC}/boards/${FW_${board}_SOURCE} ${FW_SRC}/ports/cortex_m/app_vectors.cpp)
  list(GET board_objects 0 board_object)
  list(GET board_objects 1 vectors_object)
  ferry_fw_link(bootloader ${board} FLASH_ORIGIN 0x08000000 FLASH_LENGTH ${FW_BOOT_LINK_LENGTH}
    RAM_LENGTH ${FW_${board}_RAM} SLOT_BASE 0x08000000 MIN_STACK 4096
    OBJECTS ${FW_BOOT_OBJECTS} ${board_object})
  list(APPEND FW_ELFS ${FW_OUT}/${board}/bootloader.elf)
  list(APPEND FW_STACKS ${FW_OUT}/${board}/bootloader.stack.txt)
  math(EXPR app_length "${FW_${board}_LIMIT} - 512 - 116")
  foreach(slot a b)
    if(slot STREQUAL "a")
      list(GET FW_${board}_SLOTS 0 base)
    else()
      list(GET FW_${board}_SLOTS 1 base)
    endif()
    math(EXPR origin "${base} + 512" OUTPUT_FORMAT HEXADECIMAL)
    ferry_fw_link(app-slot-${slot} ${board} FLASH_ORIGIN ${origin} FLASH_LENGTH ${app_length}
      RAM_LENGTH ${FW_${board}_RAM} SLOT_BASE ${base} MIN_STACK 6144
      OBJECTS ${FW_APP_OBJECTS} ${vectors_object} ${board_object})
    list(APPEND FW_ELFS ${FW_OUT}/${board}/app-slot-${slot}.elf)
    list(APPEND FW_STACKS ${FW_OUT}/${board}/app-slot-${slot}.stack.txt)
  endforeach()
endforeach()

add_custom_command(OUTPUT ${FW_OUT}/sizes.txt
  COMMAND ${CMAKE_COMMAND} -DSIZE=${FERRY_ARM_SIZE} -DOUT=${FW_OUT}/sizes.txt "-DELFS=${FW_ELFS}"
          -P ${FW_SRC}/cmake/size_report.cmake
  DEPENDS ${FW_ELFS} ${FW_STACKS} ${FW_SRC}/cmake/size_report.cmake
  COMMENT "Flash and RAM of the bootloader and the application per board" VERBATIM)
add_custom_target(ferry_firmware ALL DEPENDS ${FW_OUT}/sizes.txt)

# The bootloader must fit sector 0 (16 KB) on every board.
add_test(NAME firmware_sizes COMMAND ${CMAKE_COMMAND} -DSIZES=${FW_OUT}/sizes.txt -DSU_DIR=${FW_OUT}
         -P ${FW_SRC}/cmake/check_sizes.cmake)
set_tests_properties(firmware_sizes PROPERTIES LABELS unit)
