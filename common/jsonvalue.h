// A JSON value with the number model of QEMU's QObject: signed and unsigned 64-bit integers and
// doubles are distinct, strings are kept as the (modified) UTF-8 bytes the parser produced and
// objects keep their members in insertion order (the writer orders them the way QEMU's QDict does).
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <cstdint>
#include <utility>
#include <vector>

namespace qtga {

class JsonValue
{
public:
    enum class Type : uint8_t { Null, Bool, Int, UInt, Double, String, Array, Object, RawJson };
    using Array = std::vector<JsonValue>;
    struct Member;
    using Object = std::vector<Member>;

    JsonValue() = default;
    JsonValue(bool b) : m_type(Type::Bool) { m_scalar.b = b; }
    JsonValue(int i) : JsonValue(int64_t(i)) {}
    JsonValue(int64_t i) : m_type(Type::Int) { m_scalar.i = i; }
    JsonValue(long long i) : JsonValue(int64_t(i)) {}
    JsonValue(unsigned u) : JsonValue(int64_t(u)) {}
    JsonValue(uint64_t u) : m_type(Type::UInt) { m_scalar.u = u; }
    JsonValue(unsigned long long u) : JsonValue(uint64_t(u)) {}
    JsonValue(double d) : m_type(Type::Double) { m_scalar.d = d; }
    JsonValue(QByteArray s) : m_type(Type::String), m_string(std::move(s)) {}
    JsonValue(const char *s) : JsonValue(QByteArray(s)) {}
    JsonValue(Array items);
    JsonValue(Object members);

    static JsonValue object() { return JsonValue(Object{}); }
    // Text that is already valid, compact JSON (e.g. a quoted base64 string built in place);
    // the writer copies it verbatim instead of escaping a multi-megabyte string again.
    static JsonValue rawJson(QByteArray json)
    {
        JsonValue v(std::move(json));
        v.m_type = Type::RawJson;
        return v;
    }
    static JsonValue array() { return JsonValue(Array{}); }

    Type type() const { return m_type; }
    bool isNull() const { return m_type == Type::Null; }
    bool isBool() const { return m_type == Type::Bool; }
    bool isInt() const { return m_type == Type::Int; }
    bool isUInt() const { return m_type == Type::UInt; }
    bool isDouble() const { return m_type == Type::Double; }
    bool isNumber() const { return m_type == Type::Int || m_type == Type::UInt || m_type == Type::Double; }
    bool isString() const { return m_type == Type::String; }
    bool isArray() const { return m_type == Type::Array; }
    bool isObject() const { return m_type == Type::Object; }
    bool isRawJson() const { return m_type == Type::RawJson; }

    bool toBool() const { return m_scalar.b; }
    int64_t toInt() const { return m_scalar.i; }
    uint64_t toUInt() const { return m_scalar.u; }
    double toDouble() const;
    // The string, or the JSON text of a RawJson value.
    const QByteArray &toString() const { return m_string; }
    QByteArray &stringRef() { return m_string; }

    // QEMU's qnum_get_try_int / qnum_get_try_uint: integers only, range-checked.
    bool tryGetInt(int64_t *out) const;
    bool tryGetUInt(uint64_t *out) const;

    const Array &items() const { return m_items; }
    Array &items() { return m_items; }
    const Object &members() const { return m_members; }
    Object &members() { return m_members; }

    // Object access; value() returns nullptr when the key is absent. A view, so that a literal
    // key costs no allocation.
    const JsonValue *value(QByteArrayView key) const;
    JsonValue *value(QByteArrayView key) { return const_cast<JsonValue *>(std::as_const(*this).value(key)); }
    bool contains(QByteArrayView key) const { return value(key) != nullptr; }
    // Appends a member (callers build objects in schema order; duplicates are the caller's bug).
    JsonValue &insert(QByteArray key, JsonValue value);
    void append(JsonValue value) { m_items.push_back(std::move(value)); }

    bool operator==(const JsonValue &other) const;
    bool operator!=(const JsonValue &other) const { return !(*this == other); }

private:
    Type m_type = Type::Null;
    union {
        bool b;
        int64_t i;
        uint64_t u;
        double d;
    } m_scalar{};
    QByteArray m_string;
    Array m_items;
    Object m_members;
};

struct JsonValue::Member
{
    QByteArray key;
    JsonValue value;
    bool operator==(const Member &o) const { return key == o.key && value == o.value; }
};

} // namespace qtga
