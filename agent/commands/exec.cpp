// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// guest-exec and guest-exec-status. Both run on the event loop: posix_spawn returns
// as soon as the child has been created, and the status is a table look-up.
#include "engines/base64.h"
#include "engines/execprocesstable.h"

#include "dispatch/commandcontext.h"
#include "dispatch/commandregistry.h"

#include <QLoggingCategory>

namespace qtga {

namespace {

Q_LOGGING_CATEGORY(lcExecCommand, "qtga.exec")

ExecProcessTable::Capture captureMode(const JsonValue *arg)
{
    using Capture = ExecProcessTable::Capture;
    if (!arg)
        return Capture::None;
    if (arg->isBool())
        return arg->toBool() ? Capture::Separated : Capture::None;
    const QByteArray &mode = arg->toString();
    if (mode == "stdout")
        return Capture::Stdout;
    if (mode == "stderr")
        return Capture::Stderr;
    if (mode == "separated")
        return Capture::Separated;
    if (mode == "merged")
        return Capture::Merged;
    return Capture::None;
}

QList<QByteArray> stringList(const JsonValue &list)
{
    QList<QByteArray> out;
    out.reserve(qsizetype(list.items().size()));
    for (const JsonValue &item : list.items())
        out.append(item.toString());
    return out;
}

CommandOutcome guestExec(const JsonValue &args, CommandContext &context)
{
    ExecProcessTable::Request request;
    if (const JsonValue *input = args.value("input-data")) {
        std::optional<QByteArray> decoded = decodeBase64(input->toString());
        if (!decoded)
            return CommandOutcome::fail(QByteArray(Base64InvalidMessage));
        request.input = std::move(*decoded);
    }
    request.path = args.value("path")->toString();
    if (const JsonValue *arg = args.value("arg"))
        request.args = stringList(*arg);
    if (const JsonValue *env = args.value("env"))
        request.env = stringList(*env);
    request.capture = captureMode(args.value("capture-output"));
    // The program and the number of arguments only: arguments, environment and input may carry
    // secrets (qemu-ga logs the whole command line).
    qCInfo(lcExecCommand, "guest-exec called: \"%s\" with %d argument(s)", request.path.constData(), int(request.args.size()));
    context.setAuditDetail("program=" + request.path);

    QByteArray error;
    const std::optional<int64_t> pid = context.services().processes->start(request, &error);
    if (!pid)
        return CommandOutcome::fail(error);
    JsonValue result = JsonValue::object();
    result.insert("pid", *pid);
    return CommandOutcome::ok(std::move(result));
}

CommandOutcome guestExecStatus(const JsonValue &args, CommandContext &context)
{
    const int64_t pid = args.value("pid")->toInt();
    qCInfo(lcExecCommand, "guest-exec-status called, pid: %u", unsigned(pid));
    std::optional<ExecProcessTable::Status> status = context.services().processes->takeStatus(pid);
    if (!status) {
        // qemu-ga 8.2+ prints a literal "PID ld does not exist" (a format bug); the number is
        // what it meant to say, and clients only look at the error class.
        return CommandOutcome::fail("PID " + QByteArray::number(qlonglong(pid)) + " does not exist");
    }
    JsonValue result = JsonValue::object();
    result.insert("exited", status->exited);
    if (status->exitCode)
        result.insert("exitcode", *status->exitCode);
    if (status->signal)
        result.insert("signal", *status->signal);
    // Each stream that captured anything brings its truncation flag (qemu-ga 10.2 behaviour).
    const bool hasOut = !status->out.isEmpty();
    const bool hasErr = !status->err.isEmpty();
    if (hasOut)
        result.insert("out-data", base64JsonString(status->out));
    if (hasErr)
        result.insert("err-data", base64JsonString(status->err));
    if (hasOut)
        result.insert("out-truncated", status->outTruncated);
    if (hasErr)
        result.insert("err-truncated", status->errTruncated);
    return CommandOutcome::ok(std::move(result));
}

} // namespace

void registerExecCommands(CommandRegistry &registry)
{
    using namespace args;
    registry.add({"guest-exec-status", {required("pid", integer())}, guestExecStatus});
    registry.add({"guest-exec",
                  {required("path", string()), optional("arg", list(string())), optional("env", list(string())),
                   optional("input-data", string()),
                   optional("capture-output",
                            alternate("GuestExecCaptureOutput", nullptr,
                                      enumeration({"none", "stdout", "stderr", "separated", "merged"}), boolean()))},
                  guestExec});
}

} // namespace qtga
