// Group commit in the SQLite store: transactions queued together share one COMMIT, yet each one
// stays atomic, and nobody hears of a success before it is committed. Also the device poll
// through FerryApp::handle_async, the path the server takes.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <condition_variable>
#include <future>
#include <mutex>
#include <stdexcept>

#include "app_fixture.h"

using namespace ferry;
using namespace ferry::test;

namespace {

// Holds the store's worker inside a transaction until release(), so that everything submitted
// meanwhile lands in the next batch, together.
class Gate {
  public:
    explicit Gate(store::Store& store) {
        store.transact_async(
            [this](store::Tx&) {
                std::unique_lock lock(mutex_);
                entered_ = true;
                changed_.notify_all();
                changed_.wait(lock, [this] { return open_; });
                left_ = true;
                changed_.notify_all();
            },
            [](std::exception_ptr) {});
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return entered_; });
    }
    void release() {
        std::lock_guard lock(mutex_);
        open_ = true;
        changed_.notify_all();
    }
    // The worker must be out of the gate before its mutex and condition variable go away.
    ~Gate() {
        release();
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return left_; });
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    bool entered_ = false;
    bool open_ = false;
    bool left_ = false;
};

// What transact_async reported, waited for.
struct Outcome {
    std::promise<std::exception_ptr> promise;
    std::future<std::exception_ptr> future = promise.get_future();
    store::TxDone done() {
        return [this](std::exception_ptr e) { promise.set_value(e); };
    }
};

std::optional<std::string> setting(store::Store& store, const std::string& key) {
    std::optional<Bytes> value;
    store.transact([&](store::Tx& tx) { value = tx.get_setting(key); });
    if (!value)
        return std::nullopt;
    return std::string(value->begin(), value->end());
}

Bytes bytes_of(const std::string& s) {
    return Bytes(s.begin(), s.end());
}

}  // namespace

TEST_CASE("transactions batched into one commit stay atomic one by one", "[store]") {
    TempDir dir;
    std::string path = dir.file("ferry.db");
    store::SqliteStore store(path);
    Gate gate(store);
    Outcome a, b, c;
    bool a_visible_to_another_connection = false;
    store.transact_async([](store::Tx& tx) { tx.put_setting("a", bytes_of("1")); },
                         [&](std::exception_ptr e) {
                             // Told only once committed: another connection sees it already.
                             SQLite::Database reader(path, SQLite::OPEN_READONLY);
                             SQLite::Statement q(reader, "SELECT 1 FROM settings WHERE key = 'a'");
                             a_visible_to_another_connection = q.executeStep();
                             a.promise.set_value(e);
                         });
    store.transact_async(
        [](store::Tx& tx) {
            tx.put_setting("b", bytes_of("2"));
            throw std::runtime_error("b fails");
        },
        b.done());
    store.transact_async([](store::Tx& tx) { tx.put_setting("c", bytes_of("3")); }, c.done());
    gate.release();

    CHECK(a.future.get() == nullptr);
    CHECK(a_visible_to_another_connection);
    auto b_error = b.future.get();
    REQUIRE(b_error);
    CHECK_THROWS_WITH(std::rethrow_exception(b_error), "b fails");
    CHECK(c.future.get() == nullptr);
    CHECK(setting(store, "a") == "1");
    CHECK_FALSE(setting(store, "b"));  // rolled back alone
    CHECK(setting(store, "c") == "3");
}

TEST_CASE("transact() waits for its commit and rethrows what fn threw", "[store]") {
    TempDir dir;
    store::SqliteStore store(dir.file("ferry.db"));
    store.transact([](store::Tx& tx) { tx.put_setting("k", bytes_of("v")); });
    CHECK(setting(store, "k") == "v");
    CHECK_THROWS_WITH(store.transact([](store::Tx& tx) {
        tx.put_setting("k", bytes_of("w"));
        throw std::runtime_error("no");
    }),
                      "no");
    CHECK(setting(store, "k") == "v");
    // A transaction inside a transaction would wait for itself: refused instead.
    CHECK_THROWS_AS(store.transact([&](store::Tx&) { store.transact([](store::Tx&) {}); }),
                    std::logic_error);
}

TEST_CASE("a replayed poll in the same batch as the original is refused", "[store][device-api]") {
    AppFixture f;
    Bytes secret = f.provision("dev-1");
    api::HttpRequest poll;
    poll.method = "GET";
    poll.target = poll_target({"dev-1", 7, "1.0.0", 0}, secret);
    std::promise<api::HttpResponse> first, second;
    {
        Gate gate(*f.store);
        f.app->handle_async(poll, [&](api::HttpResponse r) { first.set_value(std::move(r)); });
        f.app->handle_async(poll, [&](api::HttpResponse r) { second.set_value(std::move(r)); });
        gate.release();
    }
    api::HttpResponse one = first.get_future().get();
    api::HttpResponse two = second.get_future().get();
    CHECK(one.status == 200);
    CHECK(parse_poll_answer(one.body, secret, 7)["a"] == "idle");
    CHECK(two.status == 409);
    CHECK(two.body.find("replayed") != std::string::npos);
    auto d = f.json(f.call("GET", "/api/v1/devices/dev-1"));
    CHECK(d["state"] == "idle");
    // The next counter is accepted: the refused duplicate left nothing behind.
    CHECK(f.poll({"dev-1", 8, "1.0.0", 0}, secret)["a"] == "idle");
}

TEST_CASE("a poll through handle_async answers like handle, errors included", "[device-api]") {
    AppFixture f;
    Bytes secret = f.provision("dev-1");
    auto async_call = [&](const std::string& target) {
        api::HttpRequest r;
        r.method = "GET";
        r.target = target;
        std::promise<api::HttpResponse> answer;
        f.app->handle_async(
            r, [&](api::HttpResponse response) { answer.set_value(std::move(response)); });
        return answer.get_future().get();
    };
    CHECK(async_call(poll_target({"dev-1", 1, "1.0.0", 0}, secret)).status == 200);
    CHECK(async_call(poll_target({"dev-1", 1, "1.0.0", 0}, secret)).status == 409);
    CHECK(async_call(poll_target({"nobody", 2, "1.0.0", 0}, secret)).status == 401);
    CHECK(async_call("/p?d=dev-1&n=2").status == 401);  // no MAC
    CHECK(async_call("/nowhere").status == 404);
}
