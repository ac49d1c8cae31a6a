// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "statuswindow.h"

#include "icons.h"
#include "statusclient.h"
#include "statuscolors.h"
#include "traystate.h"

#include <QDialogButtonBox>
#include <QEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

namespace qtga {

namespace {

// Colours the state and outcome columns; the models stay free of presentation.
class StatusDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const QVariant succeeded = index.data(CommandTableModel::SucceededRole);
        if (index.column() == CommandTableModel::Outcome && succeeded.isValid() && !succeeded.toBool())
            setColor(option, StatusColor::Bad);
        const QVariant state = index.data(ChannelTableModel::StateRole);
        if (index.column() == ChannelTableModel::State && state.isValid()) {
            switch (status::ChannelState(state.toInt())) {
            case status::ChannelState::HostConnected: setColor(option, StatusColor::Good); break;
            case status::ChannelState::WaitingForHost:
            case status::ChannelState::Retrying: setColor(option, StatusColor::Waiting); break;
            case status::ChannelState::Error: setColor(option, StatusColor::Bad); break;
            case status::ChannelState::Listening:
            case status::ChannelState::Closed: break;
            }
        }
    }

private:
    static void setColor(QStyleOptionViewItem *option, StatusColor role)
    {
        option->palette.setColor(QPalette::Text, statusColor(role, option->palette));
        option->font.setBold(true);
    }
};

QTableView *makeTable(QAbstractItemModel *model, const QString &name, QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setAccessibleName(name);
    view->setModel(model);
    view->setItemDelegate(new StatusDelegate(view));
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setAlternatingRowColors(true);
    view->setShowGrid(false);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 8);
    view->horizontalHeader()->setHighlightSections(false);
    view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    return view;
}

QLabel *valueLabel(const QString &name, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setAccessibleName(name);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

QString localTime(const QDateTime &time)
{
    return localDateTimeText(time);
}

} // namespace

StatusWindow::StatusWindow(const StatusClient &client, QWidget *parent) : QWidget(parent), m_client(client)
{
    setWindowTitle(tr("QEMU Guest Agent Status"));
    setWindowIcon(applicationIcon());

    // The notice takes the theme's tooltip colours: a hint, readable in light and dark themes.
    m_notice = new QLabel(this);
    m_notice->setAccessibleName(tr("Notice"));
    m_notice->setWordWrap(true);
    m_notice->setFrameShape(QFrame::StyledPanel);
    m_notice->setMargin(6);
    m_notice->setAutoFillBackground(true);
    m_notice->setBackgroundRole(QPalette::ToolTipBase);
    m_notice->setForegroundRole(QPalette::ToolTipText);
    m_notice->hide();

    m_icon = new QLabel(this);
    m_icon->setFixedSize(56, 56);
    m_title = new QLabel(this);
    m_title->setAccessibleName(tr("State"));
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.35);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_description = new QLabel(this);
    m_description->setAccessibleName(tr("Details"));
    m_description->setWordWrap(true);
    auto *headerText = new QVBoxLayout;
    headerText->setSpacing(2);
    headerText->addStretch();
    headerText->addWidget(m_title);
    headerText->addWidget(m_description);
    headerText->addStretch();
    auto *header = new QHBoxLayout;
    header->setSpacing(12);
    header->addWidget(m_icon, 0, Qt::AlignTop);
    header->addLayout(headerText, 1);

    m_agentBox = new QGroupBox(tr("Agent"), this);
    auto *form = new QFormLayout(m_agentBox);
    form->setLabelAlignment(Qt::AlignLeft);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_version = valueLabel(tr("Version"), m_agentBox);
    m_process = valueLabel(tr("Process"), m_agentBox);
    m_uptime = valueLabel(tr("Running since"), m_agentBox);
    m_filesystems = valueLabel(tr("Filesystems"), m_agentBox);
    m_counters = valueLabel(tr("Commands"), m_agentBox);
    form->addRow(tr("Version:"), m_version);
    form->addRow(tr("Process:"), m_process);
    form->addRow(tr("Running since:"), m_uptime);
    form->addRow(tr("Filesystems:"), m_filesystems);
    form->addRow(tr("Commands:"), m_counters);
    for (QLabel *value : {m_version, m_process, m_uptime, m_filesystems, m_counters}) {
        if (auto *label = qobject_cast<QLabel *>(form->labelForField(value))) {
            label->setBuddy(value);
            label->setAccessibleName(value->accessibleName());
        }
    }

    m_channelBox = new QGroupBox(tr("Channels"), this);
    m_channelView = makeTable(&m_channels, tr("Channels"), m_channelBox);
    m_channelView->horizontalHeader()->setSectionResizeMode(ChannelTableModel::Path, QHeaderView::Stretch);
    m_channelView->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Minimum);
    (new QVBoxLayout(m_channelBox))->addWidget(m_channelView);

    m_commandBox = new QGroupBox(tr("Recent commands (newest first)"), this);
    m_commandView = makeTable(&m_commands, tr("Recent commands"), m_commandBox);
    m_commandView->horizontalHeader()->setSectionResizeMode(CommandTableModel::Command, QHeaderView::Stretch);
    (new QVBoxLayout(m_commandBox))->addWidget(m_commandView);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *copy = buttons->addButton(tr("Copy Diagnostics"), QDialogButtonBox::ActionRole);
    copy->setAccessibleName(tr("Copy Diagnostics"));
    copy->setAccessibleDescription(tr("Copies a summary of the agent's state to the clipboard"));
    buttons->button(QDialogButtonBox::Close)->setAccessibleName(tr("Close"));
    connect(copy, &QPushButton::clicked, this, &StatusWindow::copyDiagnosticsRequested);
    connect(buttons, &QDialogButtonBox::rejected, this, &QWidget::close);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 16, 16, 12);
    layout->setSpacing(12);
    layout->addWidget(m_notice);
    layout->addLayout(header);
    layout->addWidget(m_agentBox);
    layout->addWidget(m_channelBox);
    layout->addWidget(m_commandBox, 1);
    layout->addWidget(buttons);

    m_clock.setInterval(1000);
    connect(&m_clock, &QTimer::timeout, this, &StatusWindow::refreshTimes);
    connect(&client, &StatusClient::connectedChanged, this, &StatusWindow::refresh);
    connect(&client, &StatusClient::messageReceived, this, &StatusWindow::refresh);
    connect(&client, &StatusClient::unreachableReasonChanged, this, &StatusWindow::refresh);
    resize(660, 680);
    refresh();
}

void StatusWindow::setNotice(const QString &text)
{
    m_notice->setText(text);
    m_notice->setVisible(!text.isEmpty());
}

QString StatusWindow::stateTitle() const
{
    return m_title->text();
}

void StatusWindow::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::LanguageChange)
        refresh();
}

void StatusWindow::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
    m_clock.start();
}

void StatusWindow::hideEvent(QHideEvent *event)
{
    m_clock.stop();
    QWidget::hideEvent(event);
}

void StatusWindow::refresh()
{
    const bool reachable = m_client.isConnected();
    const status::AgentStatus &s = m_client.status();
    const TrayState state = trayStateOf(m_client.reach(), s);
    m_icon->setPixmap(stateIcon(state).pixmap(m_icon->size(), devicePixelRatioF()));
    m_icon->setAccessibleName(trayStateTitle(state));
    m_title->setText(trayStateTitle(state));
    QString reason = m_client.lastError();
    if (!reason.isEmpty() && !reason.endsWith(u'.'))
        reason += u'.';
    m_description->setText(reachable ? trayStateDescription(state) : trayStateDescription(state) + u' ' + reason);
    m_channels.setChannels(s.channels);
    m_commands.setCommands(s.recent);
    // The last known details stay readable, greyed out, while the agent is away.
    for (QWidget *box : {static_cast<QWidget *>(m_agentBox), static_cast<QWidget *>(m_channelBox),
                         static_cast<QWidget *>(m_commandBox)}) {
        box->setEnabled(reachable);
    }
    if (s.version.isEmpty()) {
        for (QLabel *label : {m_version, m_process, m_uptime, m_filesystems, m_counters})
            label->setText(QStringLiteral("—"));
    } else {
        m_version->setText(tr("qtga %1").arg(s.version));
        m_process->setText(tr("PID %1, status socket %2").arg(s.pid).arg(m_client.socketPath()));
        m_counters->setText(tr("%n run", nullptr, int(qMin<quint64>(s.commands, INT_MAX)))
                            + QStringLiteral(", ") + tr("%n failed", nullptr, int(qMin<quint64>(s.errors, INT_MAX))));
    }
    const int rows = qMax(1, int(s.channels.size()));
    m_channelView->setFixedHeight(m_channelView->horizontalHeader()->sizeHint().height()
                                  + rows * m_channelView->verticalHeader()->defaultSectionSize()
                                  + 2 * m_channelView->frameWidth());
    m_channelView->resizeColumnToContents(ChannelTableModel::Channel);
    m_channelView->resizeColumnToContents(ChannelTableModel::State);
    m_commandView->resizeColumnToContents(CommandTableModel::Time);
    m_commandView->resizeColumnToContents(CommandTableModel::Outcome);
    refreshTimes();
}

void StatusWindow::refreshTimes()
{
    const status::AgentStatus &s = m_client.status();
    if (s.version.isEmpty())
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (m_client.isConnected())
        m_uptime->setText(tr("%1 (up %2)").arg(localTime(s.started), uptimeText(s.started.secsTo(now))));
    else
        m_uptime->setText(tr("%1 (stopped)").arg(localTime(s.started)));
    if (s.frozen) {
        m_filesystems->setText(tr("<b style=\"color:%1\">Frozen</b> since %2 (for %3)")
                                   .arg(statusColor(StatusColor::Frozen, palette()).name(), localTime(s.frozenSince),
                                        uptimeText(s.frozenSince.secsTo(now))));
    } else {
        m_filesystems->setText(tr("Thawed"));
    }
}

} // namespace qtga
