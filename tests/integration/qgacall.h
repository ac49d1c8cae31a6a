// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Request/response helpers for command tests: build a request from a name and arguments, send it,
// and get the parsed reply.
#pragma once

#include "agentharness.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace qtga::test {

struct Reply
{
    QByteArray raw;
    QJsonObject object;
    bool ok() const { return object.contains(QLatin1String("return")); }
    QJsonValue value() const { return object.value(QLatin1String("return")); }
    QJsonObject result() const { return value().toObject(); }
    QString errorClass() const { return object.value(QLatin1String("error")).toObject().value(QLatin1String("class")).toString(); }
    QString error() const { return object.value(QLatin1String("error")).toObject().value(QLatin1String("desc")).toString(); }
};

inline QByteArray requestJson(const char *command, const QJsonObject &arguments = {})
{
    QJsonObject request{{QStringLiteral("execute"), QLatin1String(command)}};
    if (!arguments.isEmpty())
        request.insert(QStringLiteral("arguments"), arguments);
    return QJsonDocument(request).toJson(QJsonDocument::Compact);
}

inline Reply call(QgaClient &client, const char *command, const QJsonObject &arguments = {}, int timeoutMs = 10000)
{
    Reply reply;
    reply.raw = client.request(requestJson(command, arguments), timeoutMs);
    reply.object = QJsonDocument::fromJson(reply.raw).object();
    return reply;
}

inline QString b64(const QByteArray &data)
{
    return QString::fromLatin1(data.toBase64());
}

inline QByteArray unb64(const QJsonValue &value)
{
    return QByteArray::fromBase64(value.toString().toLatin1());
}

} // namespace qtga::test
