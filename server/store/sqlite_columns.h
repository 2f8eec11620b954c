// Binding and reading the nullable and blob columns, shared by the SqliteTx source files.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <optional>

#include "common/bytes.h"

namespace ferry::store {

inline void bind_opt(SQLite::Statement& q, int i, const std::optional<int64_t>& v) {
    if (v) {
        q.bind(i, static_cast<int64_t>(*v));
    } else {
        q.bind(i);
    }
}

inline std::optional<int64_t> col_opt(const SQLite::Column& c) {
    if (c.isNull())
        return std::nullopt;
    return c.getInt64();
}

inline Bytes col_bytes(const SQLite::Column& c) {
    auto* p = static_cast<const uint8_t*>(c.getBlob());
    return p ? Bytes(p, p + c.getBytes()) : Bytes{};
}

inline void bind_bytes(SQLite::Statement& q, int i, const Bytes& b) {
    q.bind(i, b.data(), static_cast<int>(b.size()));
}

}  // namespace ferry::store
