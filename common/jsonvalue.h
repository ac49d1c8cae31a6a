// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// A JSON value with the number model of QEMU's QObject: signed and unsigned 64-bit integers and
// doubles are distinct, strings are kept as the (modified) UTF-8 bytes the parser produced and
// objects keep their members in insertion order (the writer orders them the way QEMU's QDict does).
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <cstdint>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace qtga {

class JsonValue
{
public:
    // In the order of the alternatives of the variant that holds the value (type() is its index).
    enum class Type : uint8_t { Null, Bool, Int, UInt, Double, String, Array, Object, RawJson };
    using Array = std::vector<JsonValue>;
    struct Member;
    using Object = std::vector<Member>;

    JsonValue() = default;
    JsonValue(bool b) : m_v(std::in_place_type<bool>, b) {}
    JsonValue(int i) : JsonValue(int64_t(i)) {}
    JsonValue(int64_t i) : m_v(std::in_place_type<int64_t>, i) {}
    JsonValue(long long i) : JsonValue(int64_t(i)) {}
    JsonValue(unsigned u) : JsonValue(int64_t(u)) {}
    JsonValue(uint64_t u) : m_v(std::in_place_type<uint64_t>, u) {}
    JsonValue(unsigned long long u) : JsonValue(uint64_t(u)) {}
    JsonValue(double d) : m_v(std::in_place_type<double>, d) {}
    JsonValue(QByteArray s) : m_v(std::in_place_type<QByteArray>, std::move(s)) {}
    JsonValue(const char *s) : JsonValue(QByteArray(s)) {}
    JsonValue(Array items) : m_v(std::in_place_type<Array>, std::move(items)) {}
    JsonValue(Object members);

    // A moved-from value is null. Both assignments work when `other` lies inside this value
    // (e.g. a member taken out of its own object).
    JsonValue(const JsonValue &other) = default;
    JsonValue(JsonValue &&other) noexcept : m_v(std::move(other.m_v)) { other.m_v.emplace<std::monostate>(); }
    JsonValue &operator=(const JsonValue &other)
    {
        JsonValue copy(other);
        return *this = std::move(copy);
    }
    JsonValue &operator=(JsonValue &&other) noexcept
    {
        JsonValue taken(std::move(other));
        m_v = std::move(taken.m_v);
        return *this;
    }

    static JsonValue object();
    // Text that is already valid, compact JSON (e.g. a quoted base64 string built in place);
    // the writer copies it verbatim instead of escaping a multi-megabyte string again.
    static JsonValue rawJson(QByteArray json)
    {
        JsonValue v;
        v.m_v.emplace<RawJson>(RawJson{std::move(json)});
        return v;
    }
    static JsonValue array() { return JsonValue(Array{}); }

    Type type() const { return Type(m_v.index()); }
    bool isNull() const { return type() == Type::Null; }
    bool isBool() const { return type() == Type::Bool; }
    bool isInt() const { return type() == Type::Int; }
    bool isUInt() const { return type() == Type::UInt; }
    bool isDouble() const { return type() == Type::Double; }
    bool isNumber() const { return isInt() || isUInt() || isDouble(); }
    bool isString() const { return type() == Type::String; }
    bool isArray() const { return type() == Type::Array; }
    bool isObject() const { return type() == Type::Object; }
    bool isRawJson() const { return type() == Type::RawJson; }

    bool toBool() const
    {
        const bool *b = std::get_if<bool>(&m_v);
        return b && *b;
    }
    // An unsigned integer gives its bits as int64 and a signed one as uint64; other types 0.
    int64_t toInt() const;
    uint64_t toUInt() const { return uint64_t(toInt()); }
    double toDouble() const;
    // The string, or the JSON text of a RawJson value; empty for any other type.
    const QByteArray &toString() const;
    // The string (or RawJson text) to change or take; a value of another type becomes an empty
    // string first.
    QByteArray &stringRef();

    // QEMU's qnum_get_try_int / qnum_get_try_uint: integers only, range-checked.
    bool tryGetInt(int64_t *out) const;
    bool tryGetUInt(uint64_t *out) const;

    // The items of an array and the members of an object, empty for other types. The
    // non-const ones turn a value of another type into an empty array or object first.
    const Array &items() const;
    Array &items();
    const Object &members() const;
    Object &members();

    // Object access; value() returns nullptr when the key is absent. A view, so that a literal
    // key costs no allocation.
    const JsonValue *value(QByteArrayView key) const;
    JsonValue *value(QByteArrayView key) { return const_cast<JsonValue *>(std::as_const(*this).value(key)); }
    bool contains(QByteArrayView key) const { return value(key) != nullptr; }
    // Appends a member (callers build objects in schema order; duplicates are the caller's bug).
    JsonValue &insert(QByteArray key, JsonValue value);
    void append(JsonValue value) { items().push_back(std::move(value)); }

    bool operator==(const JsonValue &other) const;
    bool operator!=(const JsonValue &other) const { return !(*this == other); }

private:
    // Its own type, so that the variant tells a RawJson value from a string.
    struct RawJson
    {
        QByteArray text;
        bool operator==(const RawJson &other) const { return text == other.text; }
    };

    using Payload = std::variant<std::monostate, bool, int64_t, uint64_t, double, QByteArray, Array, Object, RawJson>;
    static_assert(std::is_same_v<std::variant_alternative_t<size_t(Type::String), Payload>, QByteArray>
                      && std::is_same_v<std::variant_alternative_t<size_t(Type::RawJson), Payload>, RawJson>,
                  "Type follows the order of the alternatives");

    Payload m_v;
};

struct JsonValue::Member
{
    QByteArray key;
    JsonValue value;
    bool operator==(const Member &o) const { return key == o.key && value == o.value; }
};

inline JsonValue::JsonValue(Object members) : m_v(std::in_place_type<Object>, std::move(members)) {}

inline JsonValue JsonValue::object()
{
    return JsonValue(Object{});
}

inline int64_t JsonValue::toInt() const
{
    if (const int64_t *i = std::get_if<int64_t>(&m_v))
        return *i;
    if (const uint64_t *u = std::get_if<uint64_t>(&m_v))
        return int64_t(*u);
    return 0;
}

inline const QByteArray &JsonValue::toString() const
{
    static const QByteArray empty;
    if (const QByteArray *s = std::get_if<QByteArray>(&m_v))
        return *s;
    if (const RawJson *raw = std::get_if<RawJson>(&m_v))
        return raw->text;
    return empty;
}

inline const JsonValue::Array &JsonValue::items() const
{
    static const Array empty;
    const Array *a = std::get_if<Array>(&m_v);
    return a ? *a : empty;
}

inline JsonValue::Array &JsonValue::items()
{
    if (Array *a = std::get_if<Array>(&m_v))
        return *a;
    return m_v.emplace<Array>();
}

inline const JsonValue::Object &JsonValue::members() const
{
    static const Object empty;
    const Object *o = std::get_if<Object>(&m_v);
    return o ? *o : empty;
}

inline JsonValue::Object &JsonValue::members()
{
    if (Object *o = std::get_if<Object>(&m_v))
        return *o;
    return m_v.emplace<Object>();
}

} // namespace qtga
