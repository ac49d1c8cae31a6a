// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// guest-set-user-password: "<user>:<password>\n" into chpasswd's stdin. Neither the
// password nor the line holding it is ever logged.
#include "engines/base64.h"
#include "engines/childprocess.h"

#include "dispatch/commandregistry.h"

#include <QLoggingCategory>

namespace qtga {

namespace {

Q_LOGGING_CATEGORY(lcPassword, "qtga.password")

CommandOutcome guestSetUserPassword(const JsonValue &args, CommandContext &)
{
    const QByteArray &username = args.value("username")->toString();
    std::optional<QByteArray> password = decodeBase64(args.value("password")->toString());
    if (!password)
        return CommandOutcome::fail(QByteArray(Base64InvalidMessage));
    // qemu-ga treats the decoded password as a C string: it ends at the first NUL.
    const qsizetype nul = password->indexOf('\0');
    if (nul >= 0)
        password->truncate(nul);
    if (password->contains('\n'))
        return CommandOutcome::fail("forbidden characters in raw password");
    if (username.contains('\n') || username.contains(':'))
        return CommandOutcome::fail("forbidden characters in username");

    QStringList argv{QStringLiteral("chpasswd")};
    if (args.value("crypted")->toBool())
        argv << QStringLiteral("-e");
    ChildOptions options;
    options.input = username + ':' + *password + '\n';
    qCInfo(lcPassword, "setting the password of '%s'", username.constData());
    const ChildResult result = runChild(argv, options);
    if (!result.succeeded())
        return CommandOutcome::fail(childFailureMessage("set user password", result));
    return CommandOutcome::ok();
}

} // namespace

void registerPasswordCommands(CommandRegistry &registry)
{
    using namespace args;
    CommandDescriptor d{"guest-set-user-password",
                        {required("username", string()), required("password", string()), required("crypted", boolean())},
                        guestSetUserPassword};
    d.execution = CommandDescriptor::Execution::Worker;
    d.fsAccess = CommandDescriptor::FsAccess::Shared;
    registry.add(std::move(d));
}

} // namespace qtga
