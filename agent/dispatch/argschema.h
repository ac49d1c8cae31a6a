// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Declared argument schemas and the checks QEMU's QAPI input visitor makes: members
// visited in schema order, exact error texts, unexpected members reported after known ones.
#pragma once

#include "jsonvalue.h"

#include <QByteArray>
#include <QList>

#include <memory>
#include <optional>
#include <vector>

namespace qtga {

struct ArgType;
using ArgTypeRef = std::shared_ptr<const ArgType>;

struct ArgField
{
    QByteArray name;
    ArgTypeRef type;
    bool optional = false;
};

struct ArgType
{
    enum class Kind { Int, UInt64, Bool, Str, Enum, List, Struct, Alternate };
    Kind kind;
    QList<QByteArray> enumValues;   // Enum
    ArgTypeRef element;             // List
    std::vector<ArgField> fields;   // Struct
    QByteArray alternateName;       // Alternate: the QAPI type name used in errors
    ArgTypeRef numberBranch;        // Alternate branches by JSON type (null: not accepted)
    ArgTypeRef stringBranch;
    ArgTypeRef boolBranch;
};

namespace args {
ArgTypeRef integer();
ArgTypeRef uint64();
ArgTypeRef boolean();
ArgTypeRef string();
ArgTypeRef enumeration(QList<QByteArray> values);
ArgTypeRef list(ArgTypeRef element);
ArgTypeRef structure(std::vector<ArgField> fields);
ArgTypeRef alternate(QByteArray name, ArgTypeRef number, ArgTypeRef string, ArgTypeRef boolean);
inline ArgField required(QByteArray name, ArgTypeRef type) { return {std::move(name), std::move(type), false}; }
inline ArgField optional(QByteArray name, ArgTypeRef type) { return {std::move(name), std::move(type), true}; }
} // namespace args

// Checks a command's "arguments" object against its fields; returns the error desc or nullopt.
std::optional<QByteArray> checkArguments(const JsonValue &arguments, const std::vector<ArgField> &fields);

} // namespace qtga
