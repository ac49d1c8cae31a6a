<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>main</name>
    <message>
        <source>QEMU Guest Agent Status</source>
        <translation>État de l’agent invité QEMU</translation>
    </message>
    <message>
        <source>Shows the QEMU guest agent&apos;s state in the system tray.</source>
        <translation>Affiche l’état de l’agent invité QEMU dans la zone de notification.</translation>
    </message>
    <message>
        <source>The agent&apos;s status socket (default %1).</source>
        <translation>Le socket d’état de l’agent (par défaut %1).</translation>
    </message>
    <message>
        <source>Open the status window at start.</source>
        <translation>Ouvrir la fenêtre d’état au démarrage.</translation>
    </message>
    <message>
        <source>Started at login: show nothing but the tray icon, and no window while there is no system tray.</source>
        <translation>Lancé à l’ouverture de session : n’afficher que l’icône, et aucune fenêtre tant qu’il n’y a pas de zone de notification.</translation>
    </message>
</context>
<context>
    <name>qtga::ChannelTableModel</name>
    <message>
        <source>Channel</source>
        <translation>Canal</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>Chemin</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
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
        <translation>Erreur</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Commande</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Résultat</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Durée</translation>
    </message>
</context>
<context>
    <name>qtga::DesktopNotifier</name>
    <message>
        <source>no session bus</source>
        <translation>pas de bus de session</translation>
    </message>
    <message>
        <source>Show details</source>
        <translation>Afficher les détails</translation>
    </message>
</context>
<context>
    <name>qtga::NotificationPolicy</name>
    <message>
        <source>Filesystems frozen</source>
        <translation>Systèmes de fichiers gelés</translation>
    </message>
    <message>
        <source>The host froze this machine&apos;s filesystems for a snapshot. Programs that write to disk wait until it thaws them.</source>
        <translation>L’hôte a gelé les systèmes de fichiers de cette machine pour un instantané. Les programmes qui écrivent sur le disque attendent qu’il les dégèle.</translation>
    </message>
    <message>
        <source>Filesystems thawed</source>
        <translation>Systèmes de fichiers dégelés</translation>
    </message>
    <message>
        <source>The snapshot is done; the filesystems are writable again.</source>
        <translation>L’instantané est terminé ; les systèmes de fichiers sont de nouveau accessibles en écriture.</translation>
    </message>
    <message>
        <source>Host connected</source>
        <translation>Hôte connecté</translation>
    </message>
    <message>
        <source>The host is connected to the guest agent again.</source>
        <translation>L’hôte est de nouveau connecté à l’agent invité.</translation>
    </message>
    <message>
        <source>Guest agent stopped</source>
        <translation>Agent invité arrêté</translation>
    </message>
    <message>
        <source>The QEMU guest agent is no longer running; the host cannot manage this machine until it is back.</source>
        <translation>L’agent invité QEMU ne fonctionne plus ; l’hôte ne peut pas gérer cette machine tant qu’il n’est pas revenu.</translation>
    </message>
</context>
<context>
    <name>qtga::StatusClient</name>
    <message>
        <source>Not connected yet</source>
        <translation>Pas encore connecté</translation>
    </message>
    <message>
        <source>The agent is not running (no status socket at %1)</source>
        <translation>L’agent ne fonctionne pas (pas de socket d’état à %1)</translation>
    </message>
    <message>
        <source>The agent is not running (%1 refuses connections)</source>
        <translation>L’agent ne fonctionne pas (%1 refuse les connexions)</translation>
    </message>
    <message>
        <source>The status socket sent a line longer than %1 bytes</source>
        <translation>Le socket d’état a envoyé une ligne de plus de %1 octets</translation>
    </message>
    <message>
        <source>The agent stopped</source>
        <translation>L’agent s’est arrêté</translation>
    </message>
</context>
<context>
    <name>qtga::StatusWindow</name>
    <message>
        <source>QEMU Guest Agent Status</source>
        <translation>État de l’agent invité QEMU</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>Avis</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Détails</translation>
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
        <translation>Processus</translation>
    </message>
    <message>
        <source>Running since</source>
        <translation>Actif depuis</translation>
    </message>
    <message>
        <source>Filesystems</source>
        <translation>Systèmes de fichiers</translation>
    </message>
    <message>
        <source>Commands</source>
        <translation>Commandes</translation>
    </message>
    <message>
        <source>Version:</source>
        <translation>Version :</translation>
    </message>
    <message>
        <source>Process:</source>
        <translation>Processus :</translation>
    </message>
    <message>
        <source>Running since:</source>
        <translation>Actif depuis :</translation>
    </message>
    <message>
        <source>Filesystems:</source>
        <translation>Systèmes de fichiers :</translation>
    </message>
    <message>
        <source>Commands:</source>
        <translation>Commandes :</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Canaux</translation>
    </message>
    <message>
        <source>Recent commands (newest first)</source>
        <translation>Commandes récentes (les plus récentes d’abord)</translation>
    </message>
    <message>
        <source>Recent commands</source>
        <translation>Commandes récentes</translation>
    </message>
    <message>
        <source>Copy Diagnostics</source>
        <translation>Copier le diagnostic</translation>
    </message>
    <message>
        <source>Copies a summary of the agent&apos;s state to the clipboard</source>
        <translation>Copie un résumé de l’état de l’agent dans le presse-papiers</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>qtga %1</source>
        <translation>qtga %1</translation>
    </message>
    <message>
        <source>PID %1, status socket %2</source>
        <translation>PID %1, socket d’état %2</translation>
    </message>
    <message numerus="yes">
        <source>%n run</source>
        <translation>
            <numerusform>%n exécutée</numerusform>
            <numerusform>%n exécutées</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n failed</source>
        <translation>
            <numerusform>%n en échec</numerusform>
            <numerusform>%n en échec</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (up %2)</source>
        <translation>%1 (depuis %2)</translation>
    </message>
    <message>
        <source>%1 (stopped)</source>
        <translation>%1 (arrêté)</translation>
    </message>
    <message>
        <source>&lt;b style=&quot;color:%1&quot;&gt;Frozen&lt;/b&gt; since %2 (for %3)</source>
        <translation>&lt;b style=&quot;color:%1&quot;&gt;Gelés&lt;/b&gt; depuis le %2 (depuis %3)</translation>
    </message>
    <message>
        <source>Thawed</source>
        <translation>Dégelés</translation>
    </message>
</context>
<context>
    <name>qtga::TrayApp</name>
    <message>
        <source>QEMU guest agent</source>
        <translation>Agent invité QEMU</translation>
    </message>
    <message>
        <source>Open Status Window</source>
        <translation>Ouvrir la fenêtre d’état</translation>
    </message>
    <message>
        <source>Copy Diagnostics</source>
        <translation>Copier le diagnostic</translation>
    </message>
    <message>
        <source>Show Notifications</source>
        <translation>Afficher les notifications</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quitter</translation>
    </message>
    <message>
        <source>No system tray has been found on this desktop yet. The icon appears as soon as one does; until then notifications go straight to the desktop, and starting qtga-tray again opens this window.</source>
        <translation>Aucune zone de notification n’a encore été trouvée sur ce bureau. L’icône apparaîtra dès qu’il y en aura une ; en attendant, les notifications sont envoyées directement au bureau, et relancer qtga-tray ouvre cette fenêtre.</translation>
    </message>
</context>
<context>
    <name>qtga::TrayState</name>
    <message>
        <source>Guest agent not running</source>
        <translation>L’agent invité ne fonctionne pas</translation>
    </message>
    <message>
        <source>No access to the guest agent&apos;s status</source>
        <translation>Pas d’accès à l’état de l’agent invité</translation>
    </message>
    <message>
        <source>Guest agent running, no host connected</source>
        <translation>Agent invité actif, aucun hôte connecté</translation>
    </message>
    <message>
        <source>Host connected</source>
        <translation>Hôte connecté</translation>
    </message>
    <message>
        <source>Filesystems frozen</source>
        <translation>Systèmes de fichiers gelés</translation>
    </message>
    <message>
        <source>The QEMU guest agent is not running or cannot be reached. The host cannot talk to this machine through it.</source>
        <translation>L’agent invité QEMU ne fonctionne pas ou est injoignable. L’hôte ne peut pas communiquer avec cette machine par son intermédiaire.</translation>
    </message>
    <message>
        <source>The guest agent&apos;s status socket exists, but this user may not read it.</source>
        <translation>Le socket d’état de l’agent invité existe, mais cet utilisateur n’a pas le droit de le lire.</translation>
    </message>
    <message>
        <source>The agent is running and waiting for the host to connect.</source>
        <translation>L’agent fonctionne et attend que l’hôte se connecte.</translation>
    </message>
    <message>
        <source>The host is connected to the agent and can manage this machine.</source>
        <translation>L’hôte est connecté à l’agent et peut gérer cette machine.</translation>
    </message>
    <message>
        <source>The filesystems are frozen for a snapshot. Writes wait until the host thaws them.</source>
        <translation>Les systèmes de fichiers sont gelés pour un instantané. Les écritures attendent que l’hôte les dégèle.</translation>
    </message>
    <message>
        <source>%1 is in the group “%2” that may read %3, but this session started before that. Log out and log in again.</source>
        <translation>%1 fait partie du groupe « %2 » qui peut lire %3, mais cette session a commencé avant. Fermez la session et rouvrez-la.</translation>
    </message>
    <message>
        <source>Only members of the group “%1” may read %2. Add %3 to it (sudo usermod -aG %1 %3), then log out and log in again.</source>
        <translation>Seuls les membres du groupe « %1 » peuvent lire %2. Ajoutez-y %3 (sudo usermod -aG %1 %3), puis fermez la session et rouvrez-la.</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Fermé</translation>
    </message>
    <message>
        <source>Listening</source>
        <translation>En écoute</translation>
    </message>
    <message>
        <source>Waiting for host</source>
        <translation>En attente de l’hôte</translation>
    </message>
    <message>
        <source>Retrying</source>
        <translation>Nouvelle tentative</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Erreur</translation>
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
        <translation>%1 j %2 h</translation>
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
        <translation>Agent invité QEMU : %1</translation>
    </message>
</context>
</TS>
