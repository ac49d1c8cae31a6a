// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "responselines.h"

#include "jsonwriter.h"
#include "largebuffers.h"

namespace qtga {

namespace {

QByteArray finishLine(const JsonValue &response, bool delimit)
{
    QByteArray line;
    line.reserve(jsonSizeHint(response) + 2);
    if (delimit)
        line.append(char(0xFF));
    appendJson(line, response);
    line.append('\n');
    return line;
}

// A member that is JSON text already (guest-file-read's base64, guest-exec-status output) is
// a SpliceableText: the rest of the line goes around it in place, instead of copying what may
// be many megabytes into a new line. The line is written with a NUL where the text goes (JSON
// text never holds one: the writer escapes it) and cut there.
QByteArray spliceAround(JsonValue &response, JsonValue &member, bool delimit)
{
    QByteArray text = std::move(member.stringRef());
    member = JsonValue::rawJson(QByteArray(1, '\0'));
    const QByteArray frame = finishLine(response, delimit);
    const qsizetype at = frame.indexOf('\0');
    return SpliceableText::surround(std::move(text), QByteArrayView(frame).first(at), QByteArrayView(frame).sliced(at + 1));
}

} // namespace

QByteArray errorLine(const CommandError &error, const JsonValue *id)
{
    JsonValue object = JsonValue::object();
    object.insert("class", error.cls);
    object.insert("desc", error.desc);
    JsonValue response = JsonValue::object();
    response.insert("error", std::move(object));
    if (id)
        response.insert("id", *id);
    return finishLine(response, false);
}

QByteArray responseLine(const CommandDescriptor &cmd, CommandOutcome outcome, bool delimit, const JsonValue *id)
{
    if (outcome.isError())
        return errorLine(outcome.error(), id);
    if (!cmd.successResponse)
        return QByteArray();
    // The most common answer of all (guest-ping, and every command that returns nothing),
    // written once.
    if (!id && !delimit && outcome.value().isObject() && outcome.value().members().empty()) {
        static const QByteArray emptyReturn = QByteArrayLiteral("{\"return\": {}}\n");
        return emptyReturn;
    }
    JsonValue response = JsonValue::object();
    response.insert("return", std::move(outcome.value()));
    if (id)
        response.insert("id", *id);
    // guest-exec-status may carry two (out-data and err-data): the larger is spliced.
    JsonValue::Member *largest = nullptr;
    if (JsonValue &value = response.members().front().value; value.isObject()) {
        for (JsonValue::Member &m : value.members()) {
            if (m.value.isRawJson() && (!largest || m.value.toString().size() > largest->value.toString().size()))
                largest = &m;
        }
    }
    if (largest)
        return spliceAround(response, largest->value, delimit);
    return finishLine(response, delimit);
}

} // namespace qtga
