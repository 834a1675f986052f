"""The files :mod:`keyturn.understand.runs_later` holds, and why each matters: a table of
patterns (matched without case against an absolute path) and the reason said for each. Kept
apart from the matching so that each stays readable; the module docstring of
:mod:`.runs_later` says what belongs here.
"""

from __future__ import annotations

from keyturn.understand._container_env_settings import LOGINS, PODMAN, STORAGE

__all__ = ["DOCKER_FOLDERS", "HOMES", "KINDS", "NAMED_BY_VARIABLE", "READ_BY_KEY", "USUAL_HOMES"]

_USUAL_HOMES = r"/root|/home/[^/]+|(?:[a-z]:)?/Users/[^/]+"
_HOMES = f"(?:{_USUAL_HOMES})"  # in _KINDS; runs_later puts the acting user's home among them
_GIT_SETTINGS = (
    "git's settings: they may name commands git runs (core.fsmonitor, core.hooksPath,"
    " core.sshCommand, aliases), the operator's git as much as the agent's"
)
_KUBE_SETTINGS = (
    "kubectl's settings: they may name a program every call runs (an exec plugin) or change"
    " which cluster a context's name means"
)
_DOCKER_SETTINGS = (
    "the docker CLI's settings: they name programs it runs for a registry's credentials"
    " (credsStore, credHelpers) and folders of plugins it runs (cliPluginsExtraDirs)"
)
# Settings files whose own tool keyturn understands key by key: ``git config core.editor vim``,
# ``kubectl config use-context`` and ``docker context use`` say themselves whether what they
# set runs a command (an effect of the tool's own service), so only a raw write of the file is
# made ``unknown``.
_PODMAN_SETTINGS = (
    "podman's settings: they name programs podman runs (the OCI runtime and its runtimes,"
    " conmon_path, helper_binaries_dir, hooks_dir) or which machine a connection's name means"
)
_CONTAINER_LOGINS = (
    "the container tools' logins and registries (podman's, buildah's, skopeo's): they name"
    " credential helpers they run (credHelpers) and where every later pull of an image by"
    " its short name comes from, and which images are trusted"
)
_PODMAN_STORAGE = (
    "podman's storage settings, OCI hooks or Quadlet units: the programs they name run with"
    " every container (mount_program, a hook), or become a service at the next"
    " daemon-reload"
)
# The files the container tools' variables name, by kind (:mod:`._container_env_settings`).
_NAMED_BY_VARIABLE = {PODMAN: _PODMAN_SETTINGS, LOGINS: _CONTAINER_LOGINS, STORAGE: _PODMAN_STORAGE}
# podman's ``system connection`` writes its connections as the docker context verbs do (an
# effect of the ``docker`` service, :mod:`._container_contexts`).
_READ_BY_KEY = {
    _GIT_SETTINGS: "git",
    _KUBE_SETTINGS: "k8s",
    _DOCKER_SETTINGS: "docker",
    _PODMAN_SETTINGS: "docker",
}
# Where the docker CLI keeps its settings and plugins: any ``.docker`` folder; _pattern adds the
# folder DOCKER_CONFIG names in the agent's environment.
_DOCKER_FOLDERS = r"(?:.*/\.docker)"
_KINDS: tuple[tuple[str, str], ...] = (
    (
        rf"{_HOMES}/\.(?:bashrc|bash_profile|bash_login|bash_logout|bash_aliases|profile|zshrc"
        r"|zshenv|zprofile|zlogin|zlogout|kshrc|cshrc|tcshrc|config/fish/config\.fish"
        r"|config/fish/(?:conf\.d|functions)/[^/]+|config/environment\.d/[^/]+|config/zsh/.+"
        r"|config/(?:[^/]+/)*\.z(?:shrc|shenv|profile|login|logout)|oh-my-zsh/.+)"
        r"|/etc/(?:profile|profile\.d/[^/]+|bash\.bashrc|bashrc|zsh/[^/]+|zshrc|zprofile"
        r"|environment)",
        "a shell start-up file: every new shell runs it",
    ),
    (
        r"/etc/(?:crontab|cron\.d/[^/]+|cron\.(?:hourly|daily|weekly|monthly)/[^/]+|anacrontab)"
        r"|/var/spool/cron/(?:crontabs/|atjobs/)?[^/]+|/var/spool/(?:at|atjobs)/[^/]+"
        r"|/etc/incron\.d/[^/]+|/var/spool/incron/[^/]+|/etc/periodic/.+",
        "a cron table or job: runs on a schedule",
    ),
    (
        # every directory systemd reads units from (``systemd-analyze unit-paths``, system and
        # ``--user``), the generators it runs at boot and at every daemon-reload, the sleep and
        # shutdown hooks, its managers' settings (DefaultEnvironment=) and environment.d
        r"/(?:etc|run|lib|usr/lib|usr/local/lib)/systemd/(?:system|user)(?:\.control|\.attached)?"
        r"/.+|/run/systemd/(?:transient|generator(?:\.early|\.late)?)/.+"
        r"|/(?:etc|run|lib|usr/lib|usr/local/lib)/systemd/(?:system|user)"
        r"-(?:generators|environment-generators|sleep|shutdown|preset)/.+"
        r"|/usr/(?:local/)?share/systemd/user/.+|/run/user/[^/]+/systemd/.+"
        r"|/etc/systemd/(?:system|user)\.conf(?:\.d/.+)?"
        r"|/(?:etc|run|usr/lib|usr/local/lib)/environment\.d/[^/]+"
        rf"|{_HOMES}/\.config/systemd/user(?:\.control)?/.+|{_HOMES}/\.local/share/systemd/user/.+"
        r"|/etc/(?:rc\.local|rc\.d/.+|rc[0-6s]\.d/[^/]+|init\.d/[^/]+|init/[^/]+\.conf)"
        r"|/(?:Library|System/Library)/Launch(?:Daemons|Agents)/[^/]+"
        rf"|{_HOMES}/Library/LaunchAgents/[^/]+",
        "a service definition: runs when it is started or at boot",
    ),
    (
        rf"{_HOMES}/\.config/autostart/[^/]+|/etc/xdg/autostart/[^/]+",
        "an autostart entry: runs at login",
    ),
    (
        rf"{_HOMES}/\.ssh/(?:config|rc)|/etc/ssh/(?:ssh_config|sshrc)(?:\.d/[^/]+)?",
        "ssh's configuration: it may run commands (ProxyCommand, LocalCommand)",
    ),
    (
        rf"{_HOMES}/\.ssh/authorized_keys2?|/etc/ssh/sshd_config(?:\.d/[^/]+)?",
        "lets whoever holds a key log in, and run what the key's options name",
    ),
    (
        r".*/\.git/(?:modules/.+/)?hooks/[^/]+",
        "a git hook: git runs it, the operator's git as much as the agent's",
    ),
    (
        rf".*/\.mcp\.json|.*/\.vscode/mcp\.json|{_HOMES}/\.claude\.json"
        rf"|{_HOMES}/\.config/Claude/claude_desktop_config\.json"
        rf"|{_HOMES}/Library/Application Support/Claude/claude_desktop_config\.json",
        "an MCP configuration: the agent starts the servers it names",
    ),
    (
        r".*/(?:site|dist)-packages/(?:[^/]+\.pth|sitecustomize\.py|usercustomize\.py)",
        "Python runs it whenever it starts",
    ),
    (
        r".*/\.git/(?:config(?:\.worktree)?|modules/.+/config"
        r"|worktrees/[^/]+/config(?:\.worktree)?)"
        rf"|{_HOMES}/\.gitconfig|{_HOMES}/\.config/git/config|/etc/gitconfig",
        _GIT_SETTINGS,
    ),
    (r".*/\.husky/[^/_][^/]*", "a git hook (husky's): git runs it at the next commit or push"),
    (r".*/\.envrc", "direnv runs it in every shell that enters the directory"),
    (
        r".*/\.npmrc|.*/\.yarnrc(?:\.yml)?|/etc/npmrc",
        "a package manager's settings: they may name what runs scripts (script-shell,"
        " node-options, yarnPath)",
    ),
    (
        # botocore merges the credentials file's profiles into the config's: a
        # credential_process there runs as well (botocore/session.py, full_config).
        rf"{_HOMES}/\.aws/(?:config|credentials)",
        "the AWS client's settings: they may name a program every call runs (credential_process)"
        " or change which account a profile's name means",
    ),
    (
        rf"{_HOMES}/\.aws/cli/alias",
        "the AWS CLI's aliases: one starting with '!' runs a shell command",
    ),
    (
        rf"{_HOMES}/\.aws/models(?:/.*)?",
        "the AWS SDK's service models, read before its own: they say what each call sends (a"
        " read there may become a delete)",
    ),
    (rf"{_HOMES}/\.kube/config", _KUBE_SETTINGS),
    (
        rf"{_HOMES}/\.kube/kuberc",
        "kubectl's preferences: they give every call options it does not name (another"
        " namespace or context, --prune --all) and aliases",
    ),
    (
        # Any ``.docker`` folder: DOCKER_CONFIG often points at one outside a home (CI's).
        rf"{_DOCKER_FOLDERS}/config\.json",
        _DOCKER_SETTINGS,
    ),
    (
        # The folders docker/cli's plugin manager looks in (``cli-plugins/manager``).
        rf"{_DOCKER_FOLDERS}/cli-plugins/.+|/usr/(?:local/)?(?:lib|libexec)/docker/cli-plugins/.+",
        "a docker CLI plugin: docker runs it for its subcommand (docker compose, buildx)",
    ),
    (
        # containers.conf(5): /usr/share, /etc and the user's (XDG_CONFIG_HOME: any folder),
        # each with its drop-ins; podman 5's connections beside it (checked with podman 4.3.1:
        # ``[engine.runtimes]`` made ``podman info`` run the program it names).
        r".*/containers/(?:containers\.conf|containers(?:\.rootful|\.rootless)?\.conf\.d/.+"
        r"|containers\.conf\.modules/.+|podman-connections\.json)",
        _PODMAN_SETTINGS,
    ),
    (
        # containers-auth.json(5): ${XDG_RUNTIME_DIR}/containers, /run/containers/<uid>, the
        # user's ~/.config/containers; containers-registries.conf(5) and containers-policy.json(5)
        r".*/containers/(?:[0-9]+/)?auth\.json|.*/containers/registries\.conf(?:\.d/.+)?"
        r"|.*/containers/(?:policy\.json|registries\.d/.+)",
        _CONTAINER_LOGINS,
    ),
    (
        # containers-storage.conf(5) mount_program; oci-hooks(5)'s folders; podman-systemd.unit(5)'s
        # Quadlet folders (only the system's and the user's: a project may keep such files).
        r".*/containers/storage\.conf|.*/containers/oci/hooks\.d/.+"
        rf"|/(?:etc|usr/share|run)/containers/systemd/.+|{_HOMES}/\.config/containers/systemd/.+",
        _PODMAN_STORAGE,
    ),
    (
        rf"/etc/docker/daemon\.json|{_HOMES}/\.config/docker/daemon\.json",
        "the docker daemon's settings (dockerd(8)): it runs the programs they name as root"
        " (runtimes' path, authorization-plugins) and pulls through the mirrors they name",
    ),
    (
        r".*/\.vscode/(?:settings|tasks)\.json"
        rf"|{_HOMES}/\.config/Code/User/(?:settings|tasks)\.json"
        rf"|{_HOMES}/Library/Application Support/Code/User/(?:settings|tasks)\.json",
        "an editor's settings or tasks: they may run commands when the folder opens, or let"
        " an agent approve its own tool calls (chat.tools.autoApprove)",
    ),
    (
        rf"{_HOMES}/(?:\.vimrc|\.gvimrc|\.vim/vimrc|\.vim/(?:plugin|autoload|ftplugin|after)/.+"
        r"|\.config/nvim/.+|\.tmux\.conf|\.config/tmux/tmux\.conf)",
        "an editor's or terminal multiplexer's start-up file: runs when it starts",
    ),
    (
        rf"{_HOMES}/(?:\.local/|\.cargo/|go/)?bin/[^/]+"
        r"|/usr/local/s?bin/[^/]+|/(?:usr/)?s?bin/[^/]+"
        r"|.*/\.?venv/(?:bin|Scripts)/[^/]+|.*/bin/activate(?:\.[a-z0-9]+)?"
        r"|.*/node_modules/\.bin/[^/]+",
        "a program on the search path (or a virtualenv's, or npm scripts'): whoever types its"
        " name runs it",
    ),
    (
        # helmpath's lazypath: the config and data homes on Linux (XDG), macOS and Windows.
        rf"{_HOMES}/(?:\.config/helm|Library/Preferences/helm|AppData/Roaming/helm)"
        r"/(?:repositories\.yaml|registry/config\.json)"
        rf"|{_HOMES}/(?:\.local/share/helm|Library/helm|AppData/Roaming/helm)/plugins/.+",
        "helm's repositories, registry logins or plugins: they say where every later install"
        " of a chart by its repository's name comes from, which credential helper runs, or"
        " are programs helm runs",
    ),
    (
        rf"{_HOMES}/(?:\.terraformrc|AppData/Roaming/terraform\.rc|\.terraform\.d/plugins/.+)",
        "Terraform's CLI settings or plugins: the provider programs it runs, and where it gets"
        " them",
    ),
    (r".*/\.cargo/config(?:\.toml)?", "cargo's settings: they may name programs cargo runs"),
    (r".*/\.pre-commit-config\.yaml", "pre-commit's hooks: they run at the next commit"),
    (
        r".*/\.devcontainer(?:/[^/]+)?/devcontainer\.json|.*/\.devcontainer\.json",
        "a dev container's definition: its commands run when it is built or opened"
        " (initializeCommand on the host)",
    ),
    (
        rf"{_HOMES}/\.gradle/(?:init\.d/[^/]+|init\.gradle(?:\.kts)?)",
        "a Gradle init script: runs at every build",
    ),
    (
        rf"{_HOMES}/\.ipython/profile_[^/]+/(?:startup/[^/]+|ipython_config\.py)",
        "IPython runs it whenever it starts",
    ),
    (
        r".*/\.claude/(?:skills|agents|commands|hooks|plugins)/.+"
        r"|.*/\.claude/[^/]+\.(?:sh|bash|zsh|py|js|mjs|cjs|ts|ps1)|.*/\.claude/statusline[^/]*",
        "Claude Code's skills, subagents, commands, plugins or hook scripts: their frontmatter"
        " may carry hooks, and the scripts run outside keyturn",
    ),
    (
        rf"{_HOMES}/\.(?:psqlrc(?:-[^/]+)?|my\.cnf|mylogin\.cnf|sqliterc|mongoshrc\.js"
        r"|mongorc\.js|duckdbrc|pg_service\.conf)"
        r"|/etc/(?:my\.cnf|mysql/.+|postgresql-common/(?:psqlrc|pg_service\.conf)|mongosh\.conf)",
        "a database client's start-up or option file: the client runs what it says when it"
        " starts (psql's \\!, mysql's init-command, sqlite3's .shell) or connects where it says",
    ),
    (
        rf"{_HOMES}/(?:\.curlrc|_curlrc|\.config/\.?curlrc|\.wgetrc|\.config/(?:httpie|xh)/[^/]+"
        r"|\.httpie/[^/]+|Library/Application Support/(?:httpie|xh)/[^/]+)"
        r"|/etc/wgetrc|/usr/local/etc/wgetrc",
        "an HTTP client's settings (curl's .curlrc, wget's wgetrc, HTTPie's and xh's config):"
        " they change what every later call sends (its method, URL, body) or where it writes",
    ),
    (
        r".*/pip\.(?:conf|ini)",
        "pip's settings: they may name the interpreter every pip command re-executes under"
        " (python =)",
    ),
    (
        r".*/(?:py|rb|nod)env\.d/.+|/usr/(?:local/)?lib/(?:py|rb|nod)env/hooks/.+"
        rf"|{_HOMES}/\.(?:py|rb|nod)env/(?:plugins|libexec|shims|bin)/.+",
        "a version manager's hook, plugin or shim (pyenv, rbenv, nodenv): every python, ruby"
        " or node started through it runs it",
    ),
    (
        rf".*/\.config/go/env|{_HOMES}/Library/Application Support/go/env"
        rf"|{_HOMES}/AppData/Roaming/go/env|.*/go\.env",
        "go's settings: they may make every go command run a program (GOFLAGS=-toolexec=…,"
        " CC=…, GOTOOLCHAIN=…)",
    ),
    (r"/etc/sudoers(?:\.d/[^/]+)?", "sudo's rules: who may run what as root"),
    (r"/etc/ld\.so\.preload", "loaded into every program that starts"),
    (
        r"/etc/ld\.so\.conf(?:\.d/[^/]+)?",
        "where every program loads its libraries from (after ldconfig)",
    ),
    (
        r"/(?:etc|lib|usr/lib|run)/udev/rules\.d/[^/]+|/(?:etc|lib|usr/lib|run)/modprobe\.d/[^/]+"
        r"|/etc/modules(?:-load\.d/[^/]+)?|/(?:etc|usr/lib|run)/(?:tmpfiles|binfmt)\.d/[^/]+"
        r"|/etc/polkit-1/(?:rules\.d|localauthority)/.+|/etc/kernel/.+|/etc/initramfs-tools/.+",
        "the system's own rules: udev's RUN+=, modprobe's install lines, tmpfiles' and binfmt's"
        " entries, polkit's rules run commands or change files as root, on events or at boot",
    ),
    (
        r"/etc/(?:logrotate\.conf|logrotate\.d/[^/]+|apt/apt\.conf(?:\.d/[^/]+)?"
        r"|apt/sources\.list(?:\.d/[^/]+)?|update-motd\.d/[^/]+|pam\.conf|pam\.d/[^/]+"
        r"|bash_completion(?:\.d/[^/]+)?|NetworkManager/dispatcher\.d/.+|network/interfaces"
        r"|network/interfaces\.d/[^/]+|network/if-[a-z-]+\.d/[^/]+|ppp/ip-[a-z-]+\.d/[^/]+"
        r"|dhcp/dhclient-(?:enter|exit)-hooks\.d/[^/]+|X11/Xsession\.d/[^/]+)",
        "a hook the system runs as root: at log rotation (postrotate), around package installs"
        " (DPkg::Pre-Invoke, or the packages of a new source), at every login (motd, PAM's"
        " pam_exec), in every interactive shell, or when the network changes",
    ),
    (
        r"/etc/fstab|/etc/auto\.[^/]+|/etc/exports(?:\.d/[^/]+)?",
        "the file systems mounted at boot and by mount -a, or exported: an entry can mount"
        " over any directory, or share it",
    ),
    (
        r"/etc/sysctl\.conf|/(?:etc|run|usr/lib|lib)/sysctl\.d/[^/]+|/proc/sys/.+",
        "a kernel setting (as sysctl -w sets it): it may name a program the kernel runs"
        " (kernel.core_pattern, kernel.modprobe) or change the machine at once",
    ),
    (
        r"/sys/.+",
        "a kernel or device control: writing it acts at once (suspends the machine, removes or"
        " unbinds a device, names a program the kernel runs: uevent_helper)",
    ),
)

# The names runs_later matches with.
USUAL_HOMES, HOMES, DOCKER_FOLDERS = _USUAL_HOMES, _HOMES, _DOCKER_FOLDERS
KINDS, READ_BY_KEY, NAMED_BY_VARIABLE = _KINDS, _READ_BY_KEY, _NAMED_BY_VARIABLE
