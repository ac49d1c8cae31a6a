// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// guest-file-open/-close/-read/-write/-seek/-flush: stdio streams on non-blocking,
// close-on-exec descriptors, with qemu-ga's handle numbers, flush/seek rules and error texts.
#include "engines/base64.h"
#include "engines/filehandletable.h"
#include "largebuffers.h"

#include "dispatch/commandcontext.h"
#include "dispatch/commandregistry.h"
#include "state.h"

#include <QLoggingCategory>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>
#include <algorithm>

namespace qtga {

namespace {

Q_LOGGING_CATEGORY(lcFiles, "qtga.files")

// 48 MiB: in base64 that is the 64 MiB the host's JSON parser accepts per message.
constexpr int64_t MaxReadCount = 48 * 1024 * 1024;
constexpr int64_t DefaultReadCount = 4096;
constexpr mode_t NewFileMode = 0666;

// fopen()'s modes and the open() flags they stand for.
int openFlagsForMode(const QByteArray &mode)
{
    struct ModeFlags
    {
        const char *mode;
        int flags;
    };
    static const ModeFlags table[] = {
        {"r", O_RDONLY},
        {"rb", O_RDONLY},
        {"w", O_WRONLY | O_CREAT | O_TRUNC},
        {"wb", O_WRONLY | O_CREAT | O_TRUNC},
        {"a", O_WRONLY | O_CREAT | O_APPEND},
        {"ab", O_WRONLY | O_CREAT | O_APPEND},
        {"r+", O_RDWR},
        {"rb+", O_RDWR},
        {"r+b", O_RDWR},
        {"w+", O_RDWR | O_CREAT | O_TRUNC},
        {"wb+", O_RDWR | O_CREAT | O_TRUNC},
        {"w+b", O_RDWR | O_CREAT | O_TRUNC},
        {"a+", O_RDWR | O_CREAT | O_APPEND},
        {"ab+", O_RDWR | O_CREAT | O_APPEND},
        {"a+b", O_RDWR | O_CREAT | O_APPEND},
    };
    for (const ModeFlags &entry : table) {
        if (mode == entry.mode)
            return entry.flags | O_NOCTTY | O_NONBLOCK | O_CLOEXEC;
    }
    return -1;
}

QByteArray handleNotFound(int64_t handle)
{
    return "handle '" + QByteArray::number(qlonglong(handle)) + "' has not been found";
}

QByteArray invalidCount(int64_t count)
{
    return "value '" + QByteArray::number(qlonglong(count)) + "' is invalid for argument count";
}

// An open handle's entry with its lock held.
struct LockedFile
{
    FileHandleTable::Ref file;
    std::unique_lock<QMutex> lock;
    FILE *stream() const { return file->stream; }
};

// nullopt when there is no open handle by that number.
std::optional<LockedFile> lockHandle(CommandContext &context, int64_t handle)
{
    FileHandleTable::Ref file = context.services().files->find(handle);
    if (!file)
        return std::nullopt;
    std::unique_lock<QMutex> lock(file->mutex);
    if (!file->stream)
        return std::nullopt;  // closed by a concurrent guest-file-close
    return LockedFile{std::move(file), std::move(lock)};
}

// Exclusive creation first, so that only a file we created gets mode 0666 whatever the umask;
// an existing file is opened as it is.
CommandOutcome openStream(const QByteArray &path, const QByteArray &mode, FILE **stream)
{
    int flags = openFlagsForMode(mode);
    if (flags < 0)
        return CommandOutcome::fail("invalid file open mode '" + mode + "'");
    const auto describe = [&] { return "file '" + path + "' (mode: '" + mode + "')"; };

    int fd = ::open(path.constData(), flags | ((flags & O_CREAT) ? O_EXCL : 0), 0);
    if (fd < 0 && errno == EEXIST) {
        flags &= ~O_CREAT;
        fd = ::open(path.constData(), flags, 0);
    }
    if (fd < 0)
        return CommandOutcome::fail("failed to open " + describe() + errnoSuffix(errno));

    const bool created = flags & O_CREAT;
    const auto giveUp = [&](QByteArray message) {
        ::close(fd);
        if (created)
            ::unlink(path.constData());
        return CommandOutcome::fail(std::move(message));
    };
    if (created && ::fchmod(fd, NewFileMode) < 0)
        return giveUp("failed to set permission 0666 on new " + describe() + errnoSuffix(errno));
    *stream = ::fdopen(fd, mode.constData());
    if (!*stream) {
        const int err = errno;
        return giveUp("failed to associate stdio stream with file descriptor " + QByteArray::number(fd) + ", "
                      + describe() + errnoSuffix(err));
    }
    return CommandOutcome::ok();
}

CommandOutcome guestFileOpen(const JsonValue &args, CommandContext &context)
{
    const QByteArray &path = args.value("path")->toString();
    const JsonValue *modeArg = args.value("mode");
    const QByteArray mode = modeArg ? modeArg->toString() : QByteArray("r");
    qCInfo(lcFiles, "guest-file-open called, filepath: %s, mode: %s", path.constData(), mode.constData());
    context.setAuditDetail("path=" + path + " mode=" + mode);

    // Checked before anything is opened or created.
    FileHandleTable &files = *context.services().files;
    if (!files.reserve()) {
        return CommandOutcome::fail("failed to open file '" + path + "' (mode: '" + mode + "'): "
                                    + QByteArray::number(FileHandleTable::MaxOpen)
                                    + " guest-file handles are open, close some first");
    }
    FILE *stream = nullptr;
    CommandOutcome opened = openStream(path, mode, &stream);
    if (opened.isError()) {
        files.unreserve();
        return opened;
    }
    QString error;
    const int64_t handle = context.services().state->takeHandle(&error);
    if (handle < 0) {
        std::fclose(stream);
        files.unreserve();
        return CommandOutcome::fail(error.toUtf8());
    }
    files.add(handle, stream);
    qCInfo(lcFiles, "guest-file-open, handle: %lld", qlonglong(handle));
    return CommandOutcome::ok(JsonValue(handle));
}

CommandOutcome guestFileClose(const JsonValue &args, CommandContext &context)
{
    const int64_t handle = args.value("handle")->toInt();
    qCInfo(lcFiles, "guest-file-close called, handle: %lld", qlonglong(handle));
    FileHandleTable::Ref file = context.services().files->take(handle);
    if (!file)
        return CommandOutcome::fail(handleNotFound(handle));
    QMutexLocker lock(&file->mutex);
    if (!file->stream)
        return CommandOutcome::fail(handleNotFound(handle));
    // fclose() releases the stream even when it fails, so the handle is gone either way
    // (qemu-ga keeps a dangling entry in that case).
    const int rc = std::fclose(file->stream);
    const int err = errno;
    file->stream = nullptr;
    LargeBuffers::transferEnded();
    if (rc == EOF)
        return CommandOutcome::fail("failed to close handle" + errnoSuffix(err));
    return CommandOutcome::ok();
}

// What a read from a regular file will certainly bring (its size less the position), so that
// the response's memory is set up at once; 0 where that is not known (pipes, devices).
qsizetype bytesLeftToRead(FILE *stream)
{
    struct stat st;
    if (::fstat(::fileno(stream), &st) < 0 || !S_ISREG(st.st_mode))
        return 0;
    const off_t position = ::ftello(stream);
    return position >= 0 && st.st_size > position ? qsizetype(st.st_size - position) : 0;
}

CommandOutcome guestFileRead(const JsonValue &args, CommandContext &context)
{
    const int64_t handle = args.value("handle")->toInt();
    const JsonValue *countArg = args.value("count");
    std::optional<LockedFile> file = lockHandle(context, handle);
    if (!file)
        return CommandOutcome::fail(handleNotFound(handle));
    const int64_t count = countArg ? countArg->toInt() : DefaultReadCount;
    if (count < 0 || count > MaxReadCount)
        return CommandOutcome::fail(invalidCount(count));

    FILE *stream = file->stream();
    if (file->file->state == FileHandleTable::RwState::Writing) {
        if (std::fflush(stream) == EOF)
            return CommandOutcome::fail("failed to flush file" + errnoSuffix(errno));
        file->file->state = FileHandleTable::RwState::New;
    }

    // Multi-megabyte reads are the common case for file transfer tools: read in small chunks
    // and encode each straight into the response, with no file-sized intermediate buffer.
    // Reading in pieces is the same as one fread(): it stops early only at end of file or on
    // an error, and an error fails the whole read either way.
    constexpr size_t Chunk = 3 * 64 * 1024;
    static thread_local std::vector<char> buffer(Chunk);
    Base64JsonBuilder encoded(count, [stream] { return bytesLeftToRead(stream); });
    size_t got = 0;
    int err = 0;
    while (got < size_t(count)) {
        const size_t want = std::min(Chunk, size_t(count) - got);
        const size_t n = std::fread(buffer.data(), 1, want, stream);
        err = errno;
        encoded.append(buffer.data(), qsizetype(n));
        got += n;
        if (n < want)
            break;
    }
    CommandOutcome outcome = CommandOutcome::ok();
    if (std::ferror(stream)) {
        outcome = CommandOutcome::fail("failed to read file" + errnoSuffix(err));
    } else {
        JsonValue result = JsonValue::object();
        result.insert("count", int64_t(got));
        result.insert("buf-b64", encoded.finish());
        result.insert("eof", bool(std::feof(stream)));
        outcome = CommandOutcome::ok(std::move(result));
        file->file->state = FileHandleTable::RwState::Reading;
    }
    std::clearerr(stream);
    return outcome;
}

CommandOutcome guestFileWrite(const JsonValue &args, CommandContext &context)
{
    const int64_t handle = args.value("handle")->toInt();
    if (!context.services().files->find(handle))
        return CommandOutcome::fail(handleNotFound(handle));
    // Decoded before taking the handle's lock (it may be large); errors are still reported in
    // qemu-ga's order, after the switch from reading.
    std::optional<QByteArray> data = decodeBase64(context.takeStringArgument(args, "buf-b64"));

    std::optional<LockedFile> file = lockHandle(context, handle);
    if (!file)
        return CommandOutcome::fail(handleNotFound(handle));
    FILE *stream = file->stream();
    if (file->file->state == FileHandleTable::RwState::Reading) {
        if (::fseeko(stream, 0, SEEK_CUR) == -1)
            return CommandOutcome::fail("failed to seek file" + errnoSuffix(errno));
        file->file->state = FileHandleTable::RwState::New;
    }
    if (!data)
        return CommandOutcome::fail(QByteArray(Base64InvalidMessage));

    const JsonValue *countArg = args.value("count");
    const int64_t count = countArg ? countArg->toInt() : int64_t(data->size());
    if (count < 0 || count > data->size())
        return CommandOutcome::fail(invalidCount(count));

    const size_t written = std::fwrite(data->constData(), 1, size_t(count), stream);
    const int err = errno;
    LargeBuffers::park(std::move(*data));
    CommandOutcome outcome = CommandOutcome::ok();
    if (std::ferror(stream)) {
        qCInfo(lcFiles, "guest-file-write failed, handle: %lld", qlonglong(handle));
        outcome = CommandOutcome::fail("failed to write to file" + errnoSuffix(err));
    } else {
        JsonValue result = JsonValue::object();
        result.insert("count", int64_t(written));
        result.insert("eof", bool(std::feof(stream)));
        outcome = CommandOutcome::ok(std::move(result));
        file->file->state = FileHandleTable::RwState::Writing;
    }
    std::clearerr(stream);
    return outcome;
}

CommandOutcome guestFileSeek(const JsonValue &args, CommandContext &context)
{
    const int64_t handle = args.value("handle")->toInt();
    std::optional<LockedFile> file = lockHandle(context, handle);
    if (!file)
        return CommandOutcome::fail(handleNotFound(handle));

    // QGA_SEEK_SET/CUR/END are 0/1/2, the same as SEEK_SET/CUR/END on Linux.
    const JsonValue &whenceArg = *args.value("whence");
    int64_t whence = 0;
    if (whenceArg.isString()) {
        const QByteArray &name = whenceArg.toString();
        whence = name == "set" ? SEEK_SET : name == "cur" ? SEEK_CUR : SEEK_END;
    } else {
        whence = whenceArg.toInt();
        if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END)
            return CommandOutcome::fail("invalid whence code " + QByteArray::number(qlonglong(whence)));
    }

    FILE *stream = file->stream();
    CommandOutcome outcome = CommandOutcome::ok();
    if (::fseeko(stream, off_t(args.value("offset")->toInt()), int(whence)) == -1) {
        const int err = errno;
        outcome = CommandOutcome::fail("failed to seek file" + errnoSuffix(err));
        // Not seekable: stdio does not buffer such a stream across the switch anyway.
        if (err == ESPIPE)
            file->file->state = FileHandleTable::RwState::New;
    } else {
        JsonValue result = JsonValue::object();
        result.insert("position", int64_t(::ftello(stream)));
        result.insert("eof", bool(std::feof(stream)));
        outcome = CommandOutcome::ok(std::move(result));
        file->file->state = FileHandleTable::RwState::New;
    }
    std::clearerr(stream);
    return outcome;
}

CommandOutcome guestFileFlush(const JsonValue &args, CommandContext &context)
{
    const int64_t handle = args.value("handle")->toInt();
    std::optional<LockedFile> file = lockHandle(context, handle);
    if (!file)
        return CommandOutcome::fail(handleNotFound(handle));
    if (std::fflush(file->stream()) == EOF)
        return CommandOutcome::fail("failed to flush file" + errnoSuffix(errno));
    file->file->state = FileHandleTable::RwState::New;
    return CommandOutcome::ok();
}

} // namespace

void registerFileCommands(CommandRegistry &registry)
{
    using namespace args;
    const ArgField handle = required("handle", integer());
    registry.add(touchesFilesystems({"guest-file-open", {required("path", string()), optional("mode", string())}, guestFileOpen}));
    registry.add(touchesFilesystems({"guest-file-close", {handle}, guestFileClose}));
    registry.add(touchesFilesystems({"guest-file-read", {handle, optional("count", integer())}, guestFileRead}));
    registry.add(touchesFilesystems({"guest-file-write",
                              {handle, required("buf-b64", string()), optional("count", integer())},
                              guestFileWrite}));
    registry.add(touchesFilesystems({"guest-file-seek",
                              {handle, required("offset", integer()),
                               required("whence", alternate("GuestFileWhence", integer(),
                                                            enumeration({"set", "cur", "end"}), nullptr))},
                              guestFileSeek}));
    registry.add(touchesFilesystems({"guest-file-flush", {handle}, guestFileFlush}));
}

} // namespace qtga
