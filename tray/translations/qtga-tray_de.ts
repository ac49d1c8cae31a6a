<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>main</name>
    <message>
        <source>QEMU Guest Agent Status</source>
        <translation>Status des QEMU-Gastagenten</translation>
    </message>
    <message>
        <source>Shows the QEMU guest agent&apos;s state in the system tray.</source>
        <translation>Zeigt den Zustand des QEMU-Gastagenten im Systemabschnitt der Kontrollleiste.</translation>
    </message>
    <message>
        <source>The agent&apos;s status socket (default %1).</source>
        <translation>Der Status-Socket des Agenten (Vorgabe %1).</translation>
    </message>
    <message>
        <source>Open the status window at start.</source>
        <translation>Das Statusfenster beim Start öffnen.</translation>
    </message>
    <message>
        <source>Started at login: show nothing but the tray icon, and no window while there is no system tray.</source>
        <translation>Bei der Anmeldung gestartet: nur das Symbol zeigen, und kein Fenster, solange es keinen Systemabschnitt gibt.</translation>
    </message>
</context>
<context>
    <name>qtga::ChannelTableModel</name>
    <message>
        <source>Channel</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>Pfad</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>Clients</translation>
    </message>
</context>
<context>
    <name>qtga::CommandTableModel</name>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Befehl</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
</context>
<context>
    <name>qtga::DesktopNotifier</name>
    <message>
        <source>no session bus</source>
        <translation>kein Sitzungsbus</translation>
    </message>
    <message>
        <source>Show details</source>
        <translation>Details anzeigen</translation>
    </message>
</context>
<context>
    <name>qtga::NotificationPolicy</name>
    <message>
        <source>Filesystems frozen</source>
        <translation>Dateisysteme eingefroren</translation>
    </message>
    <message>
        <source>The host froze this machine&apos;s filesystems for a snapshot. Programs that write to disk wait until it thaws them.</source>
        <translation>Der Host hat die Dateisysteme dieses Rechners für einen Snapshot eingefroren. Programme, die auf die Platte schreiben, warten, bis er sie wieder freigibt.</translation>
    </message>
    <message>
        <source>Filesystems thawed</source>
        <translation>Dateisysteme freigegeben</translation>
    </message>
    <message>
        <source>The snapshot is done; the filesystems are writable again.</source>
        <translation>Der Snapshot ist fertig; die Dateisysteme sind wieder beschreibbar.</translation>
    </message>
    <message>
        <source>Host connected</source>
        <translation>Host verbunden</translation>
    </message>
    <message>
        <source>The host is connected to the guest agent again.</source>
        <translation>Der Host ist wieder mit dem Gastagenten verbunden.</translation>
    </message>
    <message>
        <source>Guest agent stopped</source>
        <translation>Gastagent beendet</translation>
    </message>
    <message>
        <source>The QEMU guest agent is no longer running; the host cannot manage this machine until it is back.</source>
        <translation>Der QEMU-Gastagent läuft nicht mehr; bis er zurück ist, kann der Host diesen Rechner nicht verwalten.</translation>
    </message>
</context>
<context>
    <name>qtga::StatusClient</name>
    <message>
        <source>Not connected yet</source>
        <translation>Noch nicht verbunden</translation>
    </message>
    <message>
        <source>The agent is not running (no status socket at %1)</source>
        <translation>Der Agent läuft nicht (kein Status-Socket unter %1)</translation>
    </message>
    <message>
        <source>The agent is not running (%1 refuses connections)</source>
        <translation>Der Agent läuft nicht (%1 lehnt Verbindungen ab)</translation>
    </message>
    <message>
        <source>The status socket sent a line longer than %1 bytes</source>
        <translation>Der Status-Socket hat eine Zeile mit mehr als %1 Bytes gesendet</translation>
    </message>
    <message>
        <source>The agent stopped</source>
        <translation>Der Agent wurde beendet</translation>
    </message>
</context>
<context>
    <name>qtga::StatusWindow</name>
    <message>
        <source>QEMU Guest Agent Status</source>
        <translation>Status des QEMU-Gastagenten</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>Hinweis</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>Prozess</translation>
    </message>
    <message>
        <source>Running since</source>
        <translation>Läuft seit</translation>
    </message>
    <message>
        <source>Filesystems</source>
        <translation>Dateisysteme</translation>
    </message>
    <message>
        <source>Commands</source>
        <translation>Befehle</translation>
    </message>
    <message>
        <source>Version:</source>
        <translation>Version:</translation>
    </message>
    <message>
        <source>Process:</source>
        <translation>Prozess:</translation>
    </message>
    <message>
        <source>Running since:</source>
        <translation>Läuft seit:</translation>
    </message>
    <message>
        <source>Filesystems:</source>
        <translation>Dateisysteme:</translation>
    </message>
    <message>
        <source>Commands:</source>
        <translation>Befehle:</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Kanäle</translation>
    </message>
    <message>
        <source>Recent commands (newest first)</source>
        <translation>Letzte Befehle (neueste zuerst)</translation>
    </message>
    <message>
        <source>Recent commands</source>
        <translation>Letzte Befehle</translation>
    </message>
    <message>
        <source>Copy Diagnostics</source>
        <translation>Diagnose kopieren</translation>
    </message>
    <message>
        <source>Copies a summary of the agent&apos;s state to the clipboard</source>
        <translation>Kopiert eine Zusammenfassung des Agentenzustands in die Zwischenablage</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>qtga %1</source>
        <translation>qtga %1</translation>
    </message>
    <message>
        <source>PID %1, status socket %2</source>
        <translation>PID %1, Status-Socket %2</translation>
    </message>
    <message numerus="yes">
        <source>%n run</source>
        <translation>
            <numerusform>%n ausgeführt</numerusform>
            <numerusform>%n ausgeführt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n failed</source>
        <translation>
            <numerusform>%n fehlgeschlagen</numerusform>
            <numerusform>%n fehlgeschlagen</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (up %2)</source>
        <translation>%1 (seit %2)</translation>
    </message>
    <message>
        <source>%1 (stopped)</source>
        <translation>%1 (beendet)</translation>
    </message>
    <message>
        <source>&lt;b style=&quot;color:%1&quot;&gt;Frozen&lt;/b&gt; since %2 (for %3)</source>
        <translation>&lt;b style=&quot;color:%1&quot;&gt;Eingefroren&lt;/b&gt; seit %2 (seit %3)</translation>
    </message>
    <message>
        <source>Thawed</source>
        <translation>Nicht eingefroren</translation>
    </message>
</context>
<context>
    <name>qtga::TrayApp</name>
    <message>
        <source>QEMU guest agent</source>
        <translation>QEMU-Gastagent</translation>
    </message>
    <message>
        <source>Open Status Window</source>
        <translation>Statusfenster öffnen</translation>
    </message>
    <message>
        <source>Copy Diagnostics</source>
        <translation>Diagnose kopieren</translation>
    </message>
    <message>
        <source>Show Notifications</source>
        <translation>Benachrichtigungen anzeigen</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>No system tray has been found on this desktop yet. The icon appears as soon as one does; until then notifications go straight to the desktop, and starting qtga-tray again opens this window.</source>
        <translation>Auf dieser Arbeitsfläche wurde noch kein Systemabschnitt gefunden. Das Symbol erscheint, sobald es einen gibt; bis dahin gehen Benachrichtigungen direkt an die Arbeitsfläche, und ein erneuter Start von qtga-tray öffnet dieses Fenster.</translation>
    </message>
</context>
<context>
    <name>qtga::TrayState</name>
    <message>
        <source>Guest agent not running</source>
        <translation>Gastagent läuft nicht</translation>
    </message>
    <message>
        <source>No access to the guest agent&apos;s status</source>
        <translation>Kein Zugriff auf den Status des Gastagenten</translation>
    </message>
    <message>
        <source>Guest agent running, no host connected</source>
        <translation>Gastagent läuft, kein Host verbunden</translation>
    </message>
    <message>
        <source>Host connected</source>
        <translation>Host verbunden</translation>
    </message>
    <message>
        <source>Filesystems frozen</source>
        <translation>Dateisysteme eingefroren</translation>
    </message>
    <message>
        <source>The QEMU guest agent is not running or cannot be reached. The host cannot talk to this machine through it.</source>
        <translation>Der QEMU-Gastagent läuft nicht oder ist nicht erreichbar. Der Host kann über ihn nicht mit diesem Rechner sprechen.</translation>
    </message>
    <message>
        <source>The guest agent&apos;s status socket exists, but this user may not read it.</source>
        <translation>Der Status-Socket des Gastagenten ist vorhanden, aber dieser Benutzer darf ihn nicht lesen.</translation>
    </message>
    <message>
        <source>The agent is running and waiting for the host to connect.</source>
        <translation>Der Agent läuft und wartet darauf, dass sich der Host verbindet.</translation>
    </message>
    <message>
        <source>The host is connected to the agent and can manage this machine.</source>
        <translation>Der Host ist mit dem Agenten verbunden und kann diesen Rechner verwalten.</translation>
    </message>
    <message>
        <source>The filesystems are frozen for a snapshot. Writes wait until the host thaws them.</source>
        <translation>Die Dateisysteme sind für einen Snapshot eingefroren. Schreibzugriffe warten, bis der Host sie wieder freigibt.</translation>
    </message>
    <message>
        <source>%1 is in the group “%2” that may read %3, but this session started before that. Log out and log in again.</source>
        <translation>%1 ist in der Gruppe „%2“, die %3 lesen darf, aber diese Sitzung wurde vorher gestartet. Melden Sie sich ab und wieder an.</translation>
    </message>
    <message>
        <source>Only members of the group “%1” may read %2. Add %3 to it (sudo usermod -aG %1 %3), then log out and log in again.</source>
        <translation>Nur Mitglieder der Gruppe „%1“ dürfen %2 lesen. Fügen Sie %3 hinzu (sudo usermod -aG %1 %3), dann melden Sie sich ab und wieder an.</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Geschlossen</translation>
    </message>
    <message>
        <source>Listening</source>
        <translation>Wartet auf Verbindungen</translation>
    </message>
    <message>
        <source>Waiting for host</source>
        <translation>Wartet auf den Host</translation>
    </message>
    <message>
        <source>Retrying</source>
        <translation>Neuer Versuch</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>%1 µs</source>
        <translation>%1 µs</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 T %2 h</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>QEMU guest agent: %1</source>
        <translation>QEMU-Gastagent: %1</translation>
    </message>
</context>
</TS>
