#include "jsonvalue.h"

#include <cstring>
#include <limits>

namespace qtga {

const QByteArray &JsonValue::emptyString()
{
    static const QByteArray empty;
    return empty;
}

const JsonValue::Array &JsonValue::emptyArray()
{
    static const Array empty;
    return empty;
}

const JsonValue::Object &JsonValue::emptyObject()
{
    static const Object empty;
    return empty;
}

// With m_type already other's type and no payload alive here.
void JsonValue::copyFrom(const JsonValue &other)
{
    switch (m_type) {
    case Type::String:
    case Type::RawJson:
        new (&m_v.s) QByteArray(other.m_v.s);
        break;
    case Type::Array:
        new (&m_v.a) Array(other.m_v.a);
        break;
    case Type::Object:
        new (&m_v.o) Object(other.m_v.o);
        break;
    default:
        m_v.i = other.m_v.i;
        break;
    }
}

void JsonValue::reset(Type type)
{
    destroy();
    m_type = type;
    switch (type) {
    case Type::String:
    case Type::RawJson:
        new (&m_v.s) QByteArray();
        break;
    case Type::Array:
        new (&m_v.a) Array();
        break;
    case Type::Object:
        new (&m_v.o) Object();
        break;
    default:
        m_v.i = 0;
        break;
    }
}

double JsonValue::toDouble() const
{
    switch (m_type) {
    case Type::Int:
        return double(m_v.i);
    case Type::UInt:
        return double(m_v.u);
    case Type::Double:
        return m_v.d;
    default:
        return 0;
    }
}

bool JsonValue::tryGetInt(int64_t *out) const
{
    if (m_type == Type::Int) {
        *out = m_v.i;
        return true;
    }
    if (m_type == Type::UInt && m_v.u <= uint64_t(std::numeric_limits<int64_t>::max())) {
        *out = int64_t(m_v.u);
        return true;
    }
    return false;
}

bool JsonValue::tryGetUInt(uint64_t *out) const
{
    if (m_type == Type::UInt) {
        *out = m_v.u;
        return true;
    }
    if (m_type == Type::Int && m_v.i >= 0) {
        *out = uint64_t(m_v.i);
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
    if (m_type != other.m_type)
        return false;
    switch (m_type) {
    case Type::Null:
        return true;
    case Type::Bool:
        return m_v.b == other.m_v.b;
    case Type::Int:
        return m_v.i == other.m_v.i;
    case Type::UInt:
        return m_v.u == other.m_v.u;
    case Type::Double:
        return m_v.d == other.m_v.d;
    case Type::String:
    case Type::RawJson:
        return m_v.s == other.m_v.s;
    case Type::Array:
        return m_v.a == other.m_v.a;
    case Type::Object:
        return m_v.o == other.m_v.o;
    }
    return false;
}

} // namespace qtga
