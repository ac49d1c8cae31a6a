// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The status window: the agent's state, channels, frozen state, counters and recent commands,
// updated live from the status client.
#pragma once

#include "statusmodels.h"

#include <QTimer>
#include <QWidget>

class QGroupBox;
class QLabel;
class QTableView;

namespace qtga {

class StatusClient;

class StatusWindow : public QWidget
{
    Q_OBJECT
public:
    explicit StatusWindow(const StatusClient &client, QWidget *parent = nullptr);

    // A line above everything else, e.g. why there is no tray icon.
    void setNotice(const QString &text);

    const ChannelTableModel &channelModel() const { return m_channels; }
    const CommandTableModel &commandModel() const { return m_commands; }
    // The header's title (the tray state's name), for tests.
    QString stateTitle() const;

Q_SIGNALS:
    void copyDiagnosticsRequested();

protected:
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void refresh();
    void refreshTimes();

    const StatusClient &m_client;
    ChannelTableModel m_channels;
    CommandTableModel m_commands;
    QTimer m_clock;  // uptime and "frozen for", only while shown
    QLabel *m_notice = nullptr;
    QLabel *m_icon = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_description = nullptr;
    QGroupBox *m_agentBox = nullptr;
    QLabel *m_version = nullptr;
    QLabel *m_process = nullptr;
    QLabel *m_uptime = nullptr;
    QLabel *m_filesystems = nullptr;
    QLabel *m_counters = nullptr;
    QGroupBox *m_channelBox = nullptr;
    QGroupBox *m_commandBox = nullptr;
    QTableView *m_channelView = nullptr;
    QTableView *m_commandView = nullptr;
};

} // namespace qtga
