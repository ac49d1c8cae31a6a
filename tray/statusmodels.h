// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Table models of the status window, fed with the agent's status: its channels and its recent
// commands (newest first).
#pragma once

#include "statusprotocol.h"

#include <QAbstractTableModel>

namespace qtga {

class ChannelTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Channel, Path, State, Clients, ColumnCount };
    // The channel's state for the view's styling (a status::ChannelState as int).
    static constexpr int StateRole = Qt::UserRole + 1;

    using QAbstractTableModel::QAbstractTableModel;

    void setChannels(const QList<status::ChannelStatus> &channels);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<status::ChannelStatus> m_channels;
};

class CommandTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Time, Command, Outcome, Duration, ColumnCount };
    // Whether the command succeeded (bool), for the view's styling.
    static constexpr int SucceededRole = Qt::UserRole + 1;

    using QAbstractTableModel::QAbstractTableModel;

    void setCommands(const QList<status::CommandRecord> &newestFirst);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<status::CommandRecord> m_commands;
};

} // namespace qtga
