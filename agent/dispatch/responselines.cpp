#include "responselines.h"

#include "dispatcher.h"
#include "jsonwriter.h"

#include <algorithm>

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

// A multi-megabyte member (guest-file-read's base64, guest-exec-status output) is JSON text
// already, built with room before and after it: the rest of the line goes around it in place,
// instead of copying it into a new line. The line is written with a NUL in the member's place
// (JSON text never holds one: the writer escapes it) and cut there.
QByteArray spliceAroundLargeMember(JsonValue &response, JsonValue &member, bool delimit)
{
    QByteArray text = std::move(member.stringRef());
    member = JsonValue::rawJson(QByteArray(1, '\0'));
    const QByteArray frame = finishLine(response, delimit);
    const qsizetype at = frame.indexOf('\0');
    text.prepend(frame.constData(), at);
    text.append(frame.constData() + at + 1, frame.size() - at - 1);
    return text;
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
    JsonValue response = JsonValue::object();
    response.insert("return", std::move(outcome.value()));
    if (id)
        response.insert("id", *id);
    JsonValue &value = response.members().front().value;
    if (value.isObject()) {
        auto &members = value.members();
        const auto large = std::find_if(members.begin(), members.end(), [](const JsonValue::Member &m) {
            return m.value.isRawJson() && m.value.toString().size() >= Dispatcher::LargeBuffer;
        });
        if (large != members.end())
            return spliceAroundLargeMember(response, large->value, delimit);
    }
    return finishLine(response, delimit);
}

} // namespace qtga
