#include "jsonvalue.h"

#include <cstring>
#include <limits>

namespace qtga {

JsonValue::JsonValue(Array items) : m_type(Type::Array), m_items(std::move(items)) {}

JsonValue::JsonValue(Object members) : m_type(Type::Object), m_members(std::move(members)) {}

double JsonValue::toDouble() const
{
    switch (m_type) {
    case Type::Int:
        return double(m_scalar.i);
    case Type::UInt:
        return double(m_scalar.u);
    case Type::Double:
        return m_scalar.d;
    default:
        return 0;
    }
}

bool JsonValue::tryGetInt(int64_t *out) const
{
    if (m_type == Type::Int) {
        *out = m_scalar.i;
        return true;
    }
    if (m_type == Type::UInt && m_scalar.u <= uint64_t(std::numeric_limits<int64_t>::max())) {
        *out = int64_t(m_scalar.u);
        return true;
    }
    return false;
}

bool JsonValue::tryGetUInt(uint64_t *out) const
{
    if (m_type == Type::UInt) {
        *out = m_scalar.u;
        return true;
    }
    if (m_type == Type::Int && m_scalar.i >= 0) {
        *out = uint64_t(m_scalar.i);
        return true;
    }
    return false;
}

const JsonValue *JsonValue::value(QByteArrayView key) const
{
    for (const Member &m : m_members) {
        if (m.key.size() == key.size()
            && (key.empty() || std::memcmp(m.key.constData(), key.data(), size_t(key.size())) == 0))
            return &m.value;
    }
    return nullptr;
}

JsonValue &JsonValue::insert(QByteArray key, JsonValue value)
{
    m_members.push_back(Member{std::move(key), std::move(value)});
    return m_members.back().value;
}

bool JsonValue::operator==(const JsonValue &other) const
{
    if (m_type != other.m_type)
        return false;
    switch (m_type) {
    case Type::Null:
        return true;
    case Type::Bool:
        return m_scalar.b == other.m_scalar.b;
    case Type::Int:
        return m_scalar.i == other.m_scalar.i;
    case Type::UInt:
        return m_scalar.u == other.m_scalar.u;
    case Type::Double:
        return m_scalar.d == other.m_scalar.d;
    case Type::String:
    case Type::RawJson:
        return m_string == other.m_string;
    case Type::Array:
        return m_items == other.m_items;
    case Type::Object:
        return m_members == other.m_members;
    }
    return false;
}

} // namespace qtga
