// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "argschema.h"

#include "ghashorder.h"
#include "jsonwriter.h"

#include <algorithm>

namespace qtga {

namespace args {

static ArgTypeRef simple(ArgType::Kind kind)
{
    auto t = std::make_shared<ArgType>();
    t->kind = kind;
    return t;
}

ArgTypeRef integer()
{
    static const ArgTypeRef t = simple(ArgType::Kind::Int);
    return t;
}

ArgTypeRef uint64()
{
    static const ArgTypeRef t = simple(ArgType::Kind::UInt64);
    return t;
}

ArgTypeRef boolean()
{
    static const ArgTypeRef t = simple(ArgType::Kind::Bool);
    return t;
}

ArgTypeRef string()
{
    static const ArgTypeRef t = simple(ArgType::Kind::Str);
    return t;
}

ArgTypeRef enumeration(QList<QByteArray> values)
{
    auto t = std::make_shared<ArgType>();
    t->kind = ArgType::Kind::Enum;
    t->enumValues = std::move(values);
    return t;
}

ArgTypeRef list(ArgTypeRef element)
{
    auto t = std::make_shared<ArgType>();
    t->kind = ArgType::Kind::List;
    t->element = std::move(element);
    return t;
}

ArgTypeRef structure(std::vector<ArgField> fields)
{
    auto t = std::make_shared<ArgType>();
    t->kind = ArgType::Kind::Struct;
    t->fields = std::move(fields);
    return t;
}

ArgTypeRef alternate(QByteArray name, ArgTypeRef number, ArgTypeRef string, ArgTypeRef boolean)
{
    auto t = std::make_shared<ArgType>();
    t->kind = ArgType::Kind::Alternate;
    t->alternateName = std::move(name);
    t->numberBranch = std::move(number);
    t->stringBranch = std::move(string);
    t->boolBranch = std::move(boolean);
    return t;
}

} // namespace args

namespace {

QByteArray invalidType(const QByteArray &path, const char *expected)
{
    return "Invalid parameter type for '" + path + "', expected: " + expected;
}

QByteArray memberPath(const QByteArray &parent, const QByteArray &name)
{
    return parent.isEmpty() ? name : parent + '.' + name;
}

std::optional<QByteArray> checkFields(const JsonValue &object, const std::vector<ArgField> &fields,
                                      const QByteArray &path);

// `name` is the bare member name (or "null" for list items), which QEMU uses in the enum and
// alternate messages; `path` is the full name used everywhere else.
std::optional<QByteArray> checkValue(const JsonValue &v, const ArgType &type, const QByteArray &path,
                                     const QByteArray &name)
{
    switch (type.kind) {
    case ArgType::Kind::Int: {
        int64_t ignored;
        if (!v.tryGetInt(&ignored))
            return invalidType(path, "integer");
        return std::nullopt;
    }
    case ArgType::Kind::UInt64: {
        // Negative int64 values stay accepted for backward compatibility, as in QEMU.
        if (v.isInt() || v.isUInt())
            return std::nullopt;
        return "Parameter '" + path + "' expects uint64";
    }
    case ArgType::Kind::Bool:
        if (!v.isBool())
            return invalidType(path, "boolean");
        return std::nullopt;
    case ArgType::Kind::Str:
        if (!v.isString())
            return invalidType(path, "string");
        return std::nullopt;
    case ArgType::Kind::Enum:
        if (!v.isString())
            return invalidType(path, "string");
        if (!type.enumValues.contains(v.toString()))
            return "Parameter '" + name + "' does not accept value '" + v.toString() + "'";
        return std::nullopt;
    case ArgType::Kind::List: {
        if (!v.isArray())
            return invalidType(path, "array");
        const auto &items = v.items();
        for (size_t i = 0; i < items.size(); ++i) {
            QByteArray itemPath = path + '[' + QByteArray::number(qulonglong(i)) + ']';
            if (auto err = checkValue(items[i], *type.element, itemPath, "null"))
                return err;
        }
        return std::nullopt;
    }
    case ArgType::Kind::Struct:
        if (!v.isObject())
            return invalidType(path, "object");
        return checkFields(v, type.fields, path);
    case ArgType::Kind::Alternate: {
        const ArgType *branch = nullptr;
        if (v.isNumber())
            branch = type.numberBranch.get();
        else if (v.isString())
            branch = type.stringBranch.get();
        else if (v.isBool())
            branch = type.boolBranch.get();
        if (!branch)
            return "Invalid parameter type for '" + name + "', expected: " + type.alternateName;
        return checkValue(v, *branch, path, name);
    }
    }
    return std::nullopt;
}

std::optional<QByteArray> checkFields(const JsonValue &object, const std::vector<ArgField> &fields,
                                      const QByteArray &path)
{
    for (const ArgField &f : fields) {
        const JsonValue *v = object.value(f.name);
        if (!v) {
            if (f.optional)
                continue;
            return "Parameter '" + memberPath(path, f.name) + "' is missing";
        }
        if (auto err = checkValue(*v, *f.type, memberPath(path, f.name), f.name))
            return err;
    }
    const auto &members = object.members();
    const auto known = [&fields](const QByteArray &key) {
        return std::any_of(fields.begin(), fields.end(), [&key](const ArgField &f) { return f.name == key; });
    };
    if (std::all_of(members.begin(), members.end(), [&](const JsonValue::Member &m) { return known(m.key); }))
        return std::nullopt;
    // Which unknown member QEMU names: the first its visitor's hash table still holds once the
    // schema members have been taken out of it (see ghashorder.h).
    std::vector<const QByteArray *> keys;
    keys.reserve(members.size());
    for (int index : qdictIterationOrder(members))
        keys.push_back(&members[size_t(index)].key);
    std::vector<int> consumed;
    for (const ArgField &f : fields) {
        const auto it = std::find_if(keys.begin(), keys.end(), [&f](const QByteArray *key) { return *key == f.name; });
        if (it != keys.end())
            consumed.push_back(int(it - keys.begin()));
    }
    const int left = firstLeftoverKey(keys, consumed);
    if (left >= 0)
        return "Parameter '" + memberPath(path, *keys[size_t(left)]) + "' is unexpected";
    return std::nullopt;
}

} // namespace

std::optional<QByteArray> checkArguments(const JsonValue &arguments, const std::vector<ArgField> &fields)
{
    return checkFields(arguments, fields, QByteArray());
}

} // namespace qtga
