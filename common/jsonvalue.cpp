// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "jsonvalue.h"

#include <cstring>
#include <limits>

namespace qtga {

QByteArray &JsonValue::stringRef()
{
    if (QByteArray *s = std::get_if<QByteArray>(&m_v))
        return *s;
    if (RawJson *raw = std::get_if<RawJson>(&m_v))
        return raw->text;
    return m_v.emplace<QByteArray>();
}

double JsonValue::toDouble() const
{
    if (const int64_t *i = std::get_if<int64_t>(&m_v))
        return double(*i);
    if (const uint64_t *u = std::get_if<uint64_t>(&m_v))
        return double(*u);
    if (const double *d = std::get_if<double>(&m_v))
        return *d;
    return 0;
}

bool JsonValue::tryGetInt(int64_t *out) const
{
    if (const int64_t *i = std::get_if<int64_t>(&m_v)) {
        *out = *i;
        return true;
    }
    if (const uint64_t *u = std::get_if<uint64_t>(&m_v); u && *u <= uint64_t(std::numeric_limits<int64_t>::max())) {
        *out = int64_t(*u);
        return true;
    }
    return false;
}

bool JsonValue::tryGetUInt(uint64_t *out) const
{
    if (const uint64_t *u = std::get_if<uint64_t>(&m_v)) {
        *out = *u;
        return true;
    }
    if (const int64_t *i = std::get_if<int64_t>(&m_v); i && *i >= 0) {
        *out = uint64_t(*i);
        return true;
    }
    return false;
}

const JsonValue *JsonValue::value(QByteArrayView key) const
{
    for (const Member &m : members()) {
        if (m.key.size() == key.size()
            && (key.empty() || std::memcmp(m.key.constData(), key.data(), size_t(key.size())) == 0))
            return &m.value;
    }
    return nullptr;
}

JsonValue &JsonValue::insert(QByteArray key, JsonValue value)
{
    Object &all = members();
    all.push_back(Member{std::move(key), std::move(value)});
    return all.back().value;
}

bool JsonValue::operator==(const JsonValue &other) const
{
    return m_v == other.m_v;
}

} // namespace qtga
