// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// A connected stream on a plain descriptor (a vsock connection or a virtio-serial port) served
// without blocking: QSocketNotifiers drive reads and writes, output is queued and sent as the
// peer accepts it.
#pragma once

#include "channel.h"

#include <QSocketNotifier>

#include <deque>
#include <vector>

namespace qtga {

class FdStreamPeer : public ChannelPeer
{
    Q_OBJECT
public:
    // What end of file means: a socket client sends nothing more (it may still read: answers
    // go on until a write fails or the session is done); a virtio-serial port stays open and only
    // its host end went away, to come back later.
    enum class EofMeaning { InputEnded, HostGone };

    // Takes ownership of the non-blocking, close-on-exec `fd`.
    FdStreamPeer(int fd, QString description, EofMeaning eof = EofMeaning::InputEnded, QObject *parent = nullptr);

    // HostGone peers: stop reading until the host end is back, then start again.
    void waitForHost();
    void resumeAfterHostReturned();
    bool isWaitingForHost() const { return m_waitingForHost; }
    ~FdStreamPeer() override;

    void write(const QByteArray &data) override;
    void flush() override;
    qsizetype pendingOutput() const override { return m_pending; }
    void setReadEnabled(bool enabled) override;
    void abort() override;
    QString description() const override { return m_description; }
    bool isOpen() const override { return m_fd >= 0; }

    int fd() const { return m_fd; }

private:
    void onReadable();
    void onWritable();
    void shutdown();

    int m_fd;
    QString m_description;
    QSocketNotifier m_readNotifier;
    QSocketNotifier m_writeNotifier;
    std::deque<QByteArray> m_queue;
    qsizetype m_offset = 0;      // bytes of m_queue.front() already sent
    qsizetype m_pending = 0;
    bool m_readEnabled = true;
    bool m_inputEnded = false;
    EofMeaning m_eofMeaning;
    bool m_waitingForHost = false;
};

} // namespace qtga
