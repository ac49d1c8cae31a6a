// A JSON value with the number model of QEMU's QObject: signed and unsigned 64-bit integers and
// doubles are distinct, strings are kept as the (modified) UTF-8 bytes the parser produced and
// objects keep their members in insertion order (the writer orders them the way QEMU's QDict does).
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <cstdint>
#include <new>
#include <utility>
#include <vector>

namespace qtga {

// One type tag and one of the payloads in a union (32 bytes): a request's values are built,
// moved and destroyed several times on the way to a command, and a value that carried a string
// and two vectors at once (88 bytes, three destructors) was most of what parsing one cost.
class JsonValue
{
public:
    // The types with a payload to destroy come last (hasPayload()).
    enum class Type : uint8_t { Null, Bool, Int, UInt, Double, String, Array, Object, RawJson };
    using Array = std::vector<JsonValue>;
    struct Member;
    using Object = std::vector<Member>;

    JsonValue() = default;
    JsonValue(bool b) : m_type(Type::Bool) { m_v.b = b; }
    JsonValue(int i) : JsonValue(int64_t(i)) {}
    JsonValue(int64_t i) : m_type(Type::Int) { m_v.i = i; }
    JsonValue(long long i) : JsonValue(int64_t(i)) {}
    JsonValue(unsigned u) : JsonValue(int64_t(u)) {}
    JsonValue(uint64_t u) : m_type(Type::UInt) { m_v.u = u; }
    JsonValue(unsigned long long u) : JsonValue(uint64_t(u)) {}
    JsonValue(double d) : m_type(Type::Double) { m_v.d = d; }
    JsonValue(QByteArray s) : m_type(Type::String) { new (&m_v.s) QByteArray(std::move(s)); }
    JsonValue(const char *s) : JsonValue(QByteArray(s)) {}
    JsonValue(Array items) : m_type(Type::Array) { new (&m_v.a) Array(std::move(items)); }
    JsonValue(Object members);

    JsonValue(const JsonValue &other) : m_type(other.m_type) { copyFrom(other); }
    JsonValue(JsonValue &&other) noexcept : m_type(other.m_type) { moveFrom(other); }
    JsonValue &operator=(const JsonValue &other)
    {
        if (this != &other) {
            JsonValue copy(other);
            *this = std::move(copy);
        }
        return *this;
    }
    JsonValue &operator=(JsonValue &&other) noexcept
    {
        if (this != &other) {
            if (hasPayload())
                destroy();
            m_type = other.m_type;
            moveFrom(other);
        }
        return *this;
    }
    ~JsonValue()
    {
        if (hasPayload())
            destroy();
    }

    static JsonValue object();
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

    bool toBool() const { return m_type == Type::Bool && m_v.b; }
    int64_t toInt() const { return isScalarNumber() ? m_v.i : 0; }
    uint64_t toUInt() const { return isScalarNumber() ? m_v.u : 0; }
    double toDouble() const;
    // The string, or the JSON text of a RawJson value; empty for any other type.
    const QByteArray &toString() const { return hasString() ? m_v.s : emptyString(); }
    // The string to change or take; a value of another type becomes an empty string first.
    QByteArray &stringRef()
    {
        if (!hasString())
            reset(Type::String);
        return m_v.s;
    }

    // QEMU's qnum_get_try_int / qnum_get_try_uint: integers only, range-checked.
    bool tryGetInt(int64_t *out) const;
    bool tryGetUInt(uint64_t *out) const;

    // The items of an array and the members of an object, empty for other types. The
    // non-const ones turn a value of another type into an empty array or object first.
    const Array &items() const { return m_type == Type::Array ? m_v.a : emptyArray(); }
    Array &items()
    {
        if (m_type != Type::Array)
            reset(Type::Array);
        return m_v.a;
    }
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
    bool isScalarNumber() const { return m_type == Type::Int || m_type == Type::UInt; }
    bool hasString() const { return m_type == Type::String || m_type == Type::RawJson; }
    // A string, an array or an object: something to destroy (the Type order puts them last).
    bool hasPayload() const { return m_type >= Type::String; }
    static const QByteArray &emptyString();
    static const Array &emptyArray();
    static const Object &emptyObject();
    void destroy();
    void copyFrom(const JsonValue &other);
    void moveFrom(JsonValue &other) noexcept;
    // Destroys the payload and puts an empty one of `type` in its place.
    void reset(Type type);

    // Every byte is set before any member is: a scalar payload is copied as one word, and the
    // compiler, which cannot always tell which member a moved value holds, sees no uninitialised
    // read on a path that never runs.
    union Payload {
        Payload() : raw{} {}
        ~Payload() {}
        uint64_t raw[3];
        bool b;
        int64_t i;
        uint64_t u;
        double d;
        QByteArray s;
        Array a;
        Object o;
    };

    Type m_type = Type::Null;
    Payload m_v;
};

static_assert(sizeof(QByteArray) <= 24 && sizeof(JsonValue::Array) <= 24, "JsonValue's payload is three words");

struct JsonValue::Member
{
    QByteArray key;
    JsonValue value;
    bool operator==(const Member &o) const { return key == o.key && value == o.value; }
};

inline JsonValue::JsonValue(Object members) : m_type(Type::Object)
{
    new (&m_v.o) Object(std::move(members));
}

inline JsonValue JsonValue::object()
{
    return JsonValue(Object{});
}

inline const JsonValue::Object &JsonValue::members() const
{
    return m_type == Type::Object ? m_v.o : emptyObject();
}

inline JsonValue::Object &JsonValue::members()
{
    if (m_type != Type::Object)
        reset(Type::Object);
    return m_v.o;
}

inline void JsonValue::destroy()
{
    switch (m_type) {
    case Type::String:
    case Type::RawJson:
        m_v.s.~QByteArray();
        break;
    case Type::Array:
        m_v.a.~Array();
        break;
    case Type::Object:
        m_v.o.~Object();
        break;
    default:
        break;
    }
}

// With m_type already other's type and no payload alive here; `other` is left Null. The
// moved-from payload is destroyed by its own (inline, empty-case) destructor, not destroy().
inline void JsonValue::moveFrom(JsonValue &other) noexcept
{
    switch (m_type) {
    case Type::String:
    case Type::RawJson:
        new (&m_v.s) QByteArray(std::move(other.m_v.s));
        other.m_v.s.~QByteArray();
        break;
    case Type::Array:
        new (&m_v.a) Array(std::move(other.m_v.a));
        other.m_v.a.~Array();
        break;
    case Type::Object:
        new (&m_v.o) Object(std::move(other.m_v.o));
        other.m_v.o.~Object();
        break;
    default:
        m_v.i = other.m_v.i;
        return;
    }
    other.m_type = Type::Null;
    other.m_v.i = 0;
}

} // namespace qtga
