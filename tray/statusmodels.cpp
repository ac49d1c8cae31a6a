// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "statusmodels.h"

#include "traystate.h"

namespace qtga {

void ChannelTableModel::setChannels(const QList<status::ChannelStatus> &channels)
{
    if (channels.size() == m_channels.size()) {
        // Same rows: update in place so the view keeps its selection and scroll position.
        for (int row = 0; row < channels.size(); ++row) {
            if (channels.at(row) != m_channels.at(row)) {
                m_channels[row] = channels.at(row);
                Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
            }
        }
        return;
    }
    beginResetModel();
    m_channels = channels;
    endResetModel();
}

int ChannelTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_channels.size());
}

int ChannelTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ChannelTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_channels.size())
        return QVariant();
    const status::ChannelStatus &c = m_channels.at(index.row());
    if (role == StateRole)
        return int(c.state);
    if (role == Qt::TextAlignmentRole && index.column() == Clients)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return QVariant();
    switch (index.column()) {
    case Channel: return c.name.isEmpty() ? c.method : QStringLiteral("%1 (%2)").arg(c.name, c.method);
    case Path: return c.path;
    case State: return channelStateText(c.state);
    case Clients: return c.clients;
    }
    return QVariant();
}

QVariant ChannelTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QVariant();
    switch (section) {
    case Channel: return tr("Channel");
    case Path: return tr("Path");
    case State: return tr("State");
    case Clients: return tr("Clients");
    }
    return QVariant();
}

void CommandTableModel::setCommands(const QList<status::CommandRecord> &newestFirst)
{
    if (newestFirst == m_commands)
        return;
    beginResetModel();
    m_commands = newestFirst;
    endResetModel();
}

int CommandTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_commands.size());
}

int CommandTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CommandTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_commands.size())
        return QVariant();
    const status::CommandRecord &r = m_commands.at(index.row());
    if (role == SucceededRole)
        return r.succeeded;
    if (role == Qt::TextAlignmentRole && index.column() == Duration)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == Time)
        return r.finished.toLocalTime().toString(Qt::ISODateWithMs);
    if (role != Qt::DisplayRole)
        return QVariant();
    switch (index.column()) {
    case Time: return localTimeText(r.finished.toLocalTime().time());
    case Command: return r.name;
    case Outcome: return r.succeeded ? tr("OK") : tr("Error");
    case Duration: return durationText(r.durationMicros);
    }
    return QVariant();
}

QVariant CommandTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QVariant();
    switch (section) {
    case Time: return tr("Time");
    case Command: return tr("Command");
    case Outcome: return tr("Outcome");
    case Duration: return tr("Duration");
    }
    return QVariant();
}

} // namespace qtga
