// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Memory for multi-megabyte requests and answers (a guest-file-write's text, a guest-file-read's
// answer, guest-exec output), with its whole policy in one place:
// - malloc gives every buffer of Threshold bytes or more a mapping of its own
//   (configureMalloc()), so that freeing one returns it at once and the heap does not fragment
//   around it;
// - the last such buffer freed is parked instead, and the next chunk of a transfer takes it with
//   its pages already in place (a fresh mapping costs a page fault per 4 KiB, which was most of
//   the agent's time in a large guest-file-read);
// - a second after the last large buffer was used (noteUse()), or at once when the file of a
//   transfer is closed (transferEnded()), the parked one is freed and the heap's free memory
//   handed back to the system; small requests never start that timer, so an idle agent does not
//   wake up for it.
//
// SpliceableText is the contract between the code that builds a large JSON text and the code
// that sends it inside an answer line.
#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace qtga {

class LargeBuffers
{
public:
    // Buffers this large get mappings of their own and are recycled.
    static constexpr qsizetype Threshold = qsizetype(1) << 20;
    // Using a buffer this large (a read or an answer) schedules the hand-back.
    static constexpr qsizetype TrimThreshold = 256 * 1024;
    static constexpr int TrimDelayMs = 1000;

    // malloc's side of the policy; once, at start-up, before any other thread runs.
    static void configureMalloc();

    // An empty buffer with room for at least `capacity` bytes after its start: the parked one if
    // it is big enough, otherwise a new one (rounded up to whole MiB, which costs only address
    // space, so that the same request size finds it again). The first `willWrite` bytes of a new
    // one are backed by memory at once, in one system call instead of a page fault per 4 KiB:
    // pass what will certainly be written, not more.
    static QByteArray take(qsizetype capacity, qsizetype willWrite = 0);
    // Gives away a buffer its owner is done with. Kept when it is Threshold or larger and nobody
    // else holds it; the bigger of it and an already parked buffer stays. Any thread.
    static void park(QByteArray buffer);
    // Frees the parked buffer.
    static void release();
    // Bytes that fit after the buffer's start without reallocating.
    static qsizetype room(const QByteArray &buffer);

    // A buffer of `size` bytes was just used (read from a client, or answered). From the main
    // thread, under a QCoreApplication.
    static void noteUse(qsizetype size);
    // A transfer ended (its file was closed): if a buffer is parked, it and the heap's free
    // memory go back now instead of a second later. Any thread.
    static void transferEnded();
};

// A large piece of an answer line that is JSON text already (guest-file-read's base64,
// guest-exec-status output), built in a buffer with Room bytes free in front of it and behind
// it: the line that carries it is then made around it in place, instead of copying a text of
// many megabytes into a new line.
class SpliceableText
{
public:
    static constexpr qsizetype Room = 256;

    // Space for `capacity` bytes of text, the first `willWrite` of them backed by memory at once.
    explicit SpliceableText(qsizetype capacity, qsizetype willWrite = 0);
    // Where the text goes; `capacity` bytes may be written.
    char *data() { return m_buffer.data() + Room; }
    // The text is the first `size` bytes written; returns it, with the room kept around it.
    QByteArray finish(qsizetype size) &&;

    // `head`, then `text`, then `tail`: in `text`'s own buffer when they fit the room it has.
    static QByteArray surround(QByteArray text, QByteArrayView head, QByteArrayView tail);

private:
    QByteArray m_buffer;
};

} // namespace qtga
