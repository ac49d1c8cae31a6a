// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "fdstreampeer.h"

#include "largebuffers.h"

#include <QLoggingCategory>

#include <cerrno>
#include <cstring>
#include <sys/uio.h>
#include <unistd.h>

Q_DECLARE_LOGGING_CATEGORY(lcChannel)

namespace qtga {

namespace {
// Stop reading from a busy connection after this many bytes in one wake-up, to be fair to others.
constexpr qsizetype ReadBudget = 4 * 1024 * 1024;
}

FdStreamPeer::FdStreamPeer(int fd, QString description, EofMeaning eof, QObject *parent)
    : ChannelPeer(parent),
      m_fd(fd),
      m_description(std::move(description)),
      m_readNotifier(fd, QSocketNotifier::Read),
      m_writeNotifier(fd, QSocketNotifier::Write),
      m_eofMeaning(eof)
{
    m_writeNotifier.setEnabled(false);
    connect(&m_readNotifier, &QSocketNotifier::activated, this, &FdStreamPeer::onReadable);
    connect(&m_writeNotifier, &QSocketNotifier::activated, this, &FdStreamPeer::onWritable);
}

FdStreamPeer::~FdStreamPeer()
{
    if (m_fd >= 0) {
        m_readNotifier.setEnabled(false);
        m_writeNotifier.setEnabled(false);
        ::close(m_fd);
    }
}

void FdStreamPeer::write(const QByteArray &data)
{
    if (m_fd < 0 || m_waitingForHost || data.isEmpty())
        return;
    m_queue.push_back(data);
    m_pending += data.size();
}

void FdStreamPeer::flush()
{
    if (m_fd >= 0 && !m_waitingForHost && !m_queue.empty() && !m_writeNotifier.isEnabled())
        onWritable();
}

void FdStreamPeer::setReadEnabled(bool enabled)
{
    m_readEnabled = enabled;
    if (m_fd >= 0 && !m_waitingForHost && !m_inputEnded)
        m_readNotifier.setEnabled(enabled);
}

void FdStreamPeer::waitForHost()
{
    // A hung-up port stays readable (EOF) forever: stop watching it instead of spinning, and
    // forget output meant for the host that left.
    if (m_waitingForHost)
        return;
    m_waitingForHost = true;
    m_readNotifier.setEnabled(false);
    m_writeNotifier.setEnabled(false);
    m_queue.clear();
    m_offset = 0;
    m_pending = 0;
    Q_EMIT hostDisconnected();
}

void FdStreamPeer::resumeAfterHostReturned()
{
    if (m_fd < 0 || !m_waitingForHost)
        return;
    m_waitingForHost = false;
    m_readNotifier.setEnabled(m_readEnabled);
}

void FdStreamPeer::abort()
{
    shutdown();
}

void FdStreamPeer::shutdown()
{
    if (m_fd < 0)
        return;
    m_readNotifier.setEnabled(false);
    m_writeNotifier.setEnabled(false);
    ::close(m_fd);
    m_fd = -1;
    m_queue.clear();
    m_pending = 0;
    Q_EMIT closed();
}

void FdStreamPeer::onReadable()
{
    qsizetype total = 0;
    while (m_fd >= 0 && m_readEnabled && !m_waitingForHost && total < ReadBudget) {
        char *buffer = sharedReadBuffer();
        ssize_t n = ::read(m_fd, buffer, size_t(ReadChunk));
        if (n > 0) {
            total += n;
            deliver(QByteArray::fromRawData(buffer, qsizetype(n)));
            if (n < ReadChunk)
                return; // drained for now; the notifier fires again when more arrives
            continue;
        }
        if (n == 0) {
            qCDebug(lcChannel) << m_description << (m_eofMeaning == EofMeaning::HostGone ? "host end closed" : "input ended");
            if (m_eofMeaning == EofMeaning::HostGone) {
                waitForHost();
            } else {
                // The client may only have shut down its sending side and still wait for
                // answers; a client that is gone altogether makes the next write fail.
                m_inputEnded = true;
                m_readNotifier.setEnabled(false);
                Q_EMIT inputEnded();
            }
            return;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return;
        // Unlike qemu-ga, a reset connection ends only this client, never the agent.
        qCInfo(lcChannel).noquote() << m_description << "read error:" << strerror(errno);
        shutdown();
        return;
    }
}

void FdStreamPeer::onWritable()
{
    while (m_fd >= 0 && !m_queue.empty()) {
        // Gather queued responses into one writev so pipelined answers leave in few syscalls.
        iovec iov[64];
        int count = 0;
        qsizetype offset = m_offset;
        for (auto it = m_queue.begin(); it != m_queue.end() && count < 64; ++it) {
            iov[count].iov_base = const_cast<char *>(it->constData()) + offset;
            iov[count].iov_len = size_t(it->size() - offset);
            offset = 0;
            ++count;
        }
        // writev works on sockets and character devices alike; SIGPIPE is ignored process-wide.
        ssize_t n = ::writev(m_fd, iov, count);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                m_writeNotifier.setEnabled(true);
                return;
            }
            qCInfo(lcChannel).noquote() << m_description << "write error:" << strerror(errno);
            if (m_eofMeaning == EofMeaning::HostGone)
                waitForHost();
            else
                shutdown();
            return;
        }
        m_pending -= n;
        while (n > 0) {
            const qsizetype left = m_queue.front().size() - m_offset;
            if (n >= left) {
                n -= left;
                LargeBuffers::park(std::move(m_queue.front()));
                m_queue.pop_front();
                m_offset = 0;
            } else {
                m_offset += n;
                n = 0;
            }
        }
    }
    // Reading is paused only while output waits for a writable socket; a write that went
    // out at once changes nothing the session has to hear about.
    if (m_writeNotifier.isEnabled()) {
        m_writeNotifier.setEnabled(false);
        Q_EMIT outputDrained();
    }
}

} // namespace qtga
