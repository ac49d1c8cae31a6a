// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "filehandletable.h"

namespace qtga {

FileHandleTable::OpenFile::~OpenFile()
{
    if (stream)
        std::fclose(stream);
}

bool FileHandleTable::reserve()
{
    QMutexLocker lock(&m_mutex);
    if (m_files.size() + m_reserved >= MaxOpen)
        return false;
    ++m_reserved;
    return true;
}

void FileHandleTable::unreserve()
{
    QMutexLocker lock(&m_mutex);
    --m_reserved;
}

void FileHandleTable::add(int64_t handle, FILE *stream)
{
    auto file = std::make_shared<OpenFile>();
    file->stream = stream;
    QMutexLocker lock(&m_mutex);
    --m_reserved;
    m_files.insert(handle, std::move(file));
}

FileHandleTable::Ref FileHandleTable::find(int64_t handle) const
{
    QMutexLocker lock(&m_mutex);
    return m_files.value(handle);
}

FileHandleTable::Ref FileHandleTable::take(int64_t handle)
{
    QMutexLocker lock(&m_mutex);
    return m_files.take(handle);
}

int FileHandleTable::count() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_files.size());
}

} // namespace qtga
