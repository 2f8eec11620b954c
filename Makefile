# The two commands: `make run` and `make test`. Each does its own set-up.
BUILD      ?= build
JOBS       ?= $(shell nproc)
RUN_DIR    ?= run
LISTEN     ?= 127.0.0.1:8080
CMAKE_ARGS ?=

DEMO_DEVICES ?= 200
DEMO_LISTEN  ?= 127.0.0.1:8090

.PHONY: all deps build run demo test bench clean format powercut-deep

all: build

deps:
	@scripts/install-deps.sh build

$(BUILD)/CMakeCache.txt:
	@scripts/install-deps.sh build
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS)

build: $(BUILD)/CMakeCache.txt
	@scripts/install-deps.sh build
	cmake --build $(BUILD) -j $(JOBS)

# Starts ferryd on the embedded SQLite default in ./$(RUN_DIR).
run: build
	@scripts/run-ferryd.sh $(BUILD) $(RUN_DIR) $(LISTEN)

# ferryd, a simulated fleet of $(DEMO_DEVICES) devices and a staged rollout to watch live.
demo: build
	$(BUILD)/tests/demo/ferry-demo --devices $(DEMO_DEVICES) --listen $(DEMO_LISTEN)

# Builds everything and runs every test (ctest labels: unit, integration, ...).
# Test tools (qemu-system-arm, clang for the fuzzers) are installed before the build is
# configured, so CMake finds them on a fresh machine; the re-configure picks up tools installed
# after an earlier configure.
test:
	@scripts/install-deps.sh test
	@$(MAKE) --no-print-directory $(BUILD)/CMakeCache.txt
	cmake $(BUILD) > /dev/null
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 900
	@grep -h "^powercut\|^boot-time" $(BUILD)/Testing/Temporary/LastTest.log || true
	@cat $(BUILD)/device-fw/firmware/sizes.txt 2>/dev/null || true

# The deeper power-cut sweep (two cuts in one update); not part of `make test`.
powercut-deep: build
	$(BUILD)/tests/device/ferry_device_tests "[powercut-deep]"

bench: build
	@scripts/install-deps.sh bench
	@tests/bench/run-bench.sh $(BUILD)

format:
	find server proto tests device-fw -name '*.cpp' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD)
