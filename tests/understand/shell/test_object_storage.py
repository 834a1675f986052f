"""rclone, mc, s3cmd and azcopy command lines -> effects."""

from __future__ import annotations

import json

import pytest

from keyturn.model import EffectKind, Verdict
from keyturn.understand import FileReader, MemoryFiles, NoFiles
from keyturn.understand.shell import understand_shell

_E = EffectKind
_SAS = "sv=2022-11-02&ss=b&srt=co&sp=rwdlac&se=2030-01-01&sig=S3CRETsig%3D"
_BLOB = "https://acct.blob.core.windows.net"
_ARN = "arn:aws:s3:::"


def _effects(command: str, files: FileReader | None = None, **env: str):
    return understand_shell(
        command, cwd="/w", home="/home/u", env=env, files=files or NoFiles()
    ).effects


def _names(command: str, kind: EffectKind, **env: str) -> set[str]:
    """Every name ``command``'s effects of ``kind`` give."""
    return {n for e in _effects(command, **env) if e.effect is kind for n in e.resource.names}


def _kinds(command: str) -> set[EffectKind]:
    return {e.effect for e in _effects(command)}


@pytest.mark.parametrize(
    ("command", "kind", "name"),
    [
        # rclone: REMOTE:path -> rclone:REMOTE/path; every verb takes whole trees
        ("rclone ls remote:bucket", _E.READ, "rclone:remote/bucket"),
        ("rclone lsd remote:", _E.READ, "rclone:remote"),
        ("rclone lsf -F p remote:b", _E.READ, "rclone:remote/b"),
        ("rclone tree remote:b -o listing.txt", _E.UPDATE, "file:/w/listing.txt"),
        ("rclone cat remote:b/x.txt", _E.READ, "rclone:remote/b/x.txt"),
        ("rclone size s3prod:data", _E.READ, "rclone:s3prod/data"),
        ("rclone check remote:a ./a", _E.READ, "file:/w/a"),
        ("rclone hashsum MD5 remote:a", _E.READ, "rclone:remote/a"),
        ("rclone copy ./site remote:web", _E.READ, "file:/w/site/*"),
        ("rclone copy ./site remote:web", _E.UPDATE, "rclone:remote/web/*"),
        ("rclone copy remote:web /srv/www", _E.UPDATE, "file:/srv/www/*"),
        ("rclone copyto a.txt remote:b/a.txt", _E.UPDATE, "rclone:remote/b/a.txt"),
        ("rclone move remote:in remote:archive", _E.DELETE, "rclone:remote/in/*"),
        ("rclone move remote:in remote:archive", _E.UPDATE, "rclone:remote/archive/*"),
        ("rclone moveto remote:a/x remote:b/y", _E.DELETE, "rclone:remote/a/x"),
        ("rclone sync ./empty remote:prod", _E.DELETE, "rclone:remote/prod/*"),
        ("rclone sync ./empty remote:prod", _E.UPDATE, "rclone:remote/prod/*"),
        ("rclone sync --transfers 8 -P ./a remote:b", _E.DELETE, "rclone:remote/b/*"),
        ("rclone sync remote:x ./m --backup-dir remote:old", _E.UPDATE, "rclone:remote/old/*"),
        ("rclone bisync remote:a /w/b", _E.DELETE, "file:/w/b/*"),
        ("rclone bisync remote:a /w/b", _E.DELETE, "rclone:remote/a/*"),
        ("rclone delete remote:logs --min-age 30d", _E.DELETE, "rclone:remote/logs/*"),
        ("rclone purge remote:bucket", _E.DELETE, "rclone:remote/bucket"),
        ("rclone purge remote:bucket", _E.DELETE, "rclone:remote/bucket/*"),
        ("rclone deletefile remote:b/x", _E.DELETE, "rclone:remote/b/x"),
        ("rclone rmdir remote:b/empty", _E.DELETE, "rclone:remote/b/empty"),
        ("rclone rmdirs remote:b", _E.DELETE, "rclone:remote/b/*"),
        ("rclone cleanup remote:b", _E.DELETE, "rclone:remote/b/*"),
        ("rclone dedupe --dedupe-mode newest remote:b", _E.DELETE, "rclone:remote/b/*"),
        ("rclone dedupe rename remote:b", _E.UPDATE, "rclone:remote/b"),
        ("rclone dedupe list remote:b", _E.READ, "rclone:remote/b"),
        ("rclone mkdir remote:new", _E.CREATE, "rclone:remote/new"),
        ("rclone touch remote:b/x", _E.UPDATE, "rclone:remote/b/x"),
        ("rclone purge ./local/dir", _E.DELETE, "file:/w/local/dir/*"),
        ("rclone copy /x/a:b remote:c", _E.READ, "file:/x/a:b"),
        ("rclone config show", _E.READ, "file:/home/u/.config/rclone/rclone.conf"),
        ("rclone --config /etc/rc.conf listremotes", _E.READ, "file:/etc/rc.conf"),
        ("rclone version", _E.READ, "shell:rclone"),
        # mc: ALIAS/bucket/key -> minio:ALIAS/bucket/key
        ("mc ls play", _E.READ, "minio:play"),
        ("mc cat play/b/x.txt", _E.READ, "minio:play/b/x.txt"),
        ("mc du play/b", _E.READ, "minio:play/b"),
        ("mc cp ./f.txt play/b/", _E.READ, "file:/w/f.txt"),
        ("mc cp ./f.txt play/b/", _E.UPDATE, "minio:play/b/*"),
        ("mc cp ./f.txt play/b/g.txt", _E.UPDATE, "minio:play/b/g.txt"),
        ("mc cp --recursive ./site play/web", _E.UPDATE, "minio:play/web/*"),
        ("mc mv play/a/x play/b/", _E.DELETE, "minio:play/a/x"),
        ("mc rm play/b/x", _E.DELETE, "minio:play/b/x"),
        ("mc rm --recursive --force play/bucket", _E.DELETE, "minio:play/bucket"),
        ("mc rm --recursive --force play/bucket", _E.DELETE, "minio:play/bucket/*"),
        ("mc rm -r --force --older-than 7d play/b/logs", _E.DELETE, "minio:play/b/logs/*"),
        ("mc rm ./local.txt", _E.DELETE, "file:/w/local.txt"),
        ("mc rb play/b", _E.DELETE, "minio:play/b"),
        ("mc rb --force play/b", _E.DELETE, "minio:play/b/*"),
        ("mc mb play/new", _E.CREATE, "minio:play/new"),
        ("mc mirror --remove ./site play/web", _E.DELETE, "minio:play/web/*"),
        ("mc mirror ./site play/web", _E.UPDATE, "minio:play/web/*"),
        ("mc pipe play/b/x", _E.UPDATE, "minio:play/b/x"),
        # s3cmd: the AWS CLI's names
        ("s3cmd ls", _E.READ, "arn:aws:s3:::*"),
        ("s3cmd ls s3://b", _E.READ, "arn:aws:s3:::b"),
        ("s3cmd la", _E.READ, "s3://*"),
        ("s3cmd du s3://b/p", _E.READ, "s3://b/p"),
        ("s3cmd info s3://b/x", _E.READ, "arn:aws:s3:::b/x"),
        ("s3cmd del s3://acme-terraform-state/x", _E.DELETE, "arn:aws:s3:::acme-terraform-state/x"),
        ("s3cmd rm s3://b/x", _E.DELETE, "s3://b/x"),
        ("s3cmd del --recursive s3://b/logs/", _E.DELETE, "arn:aws:s3:::b/logs/*"),
        ("s3cmd del -rf s3://b/logs", _E.DELETE, "arn:aws:s3:::b/logs*"),
        ("s3cmd rb s3://b", _E.DELETE, "arn:aws:s3:::b"),
        ("s3cmd rb --force s3://b", _E.DELETE, "arn:aws:s3:::b/*"),
        ("s3cmd rb -r s3://b", _E.DELETE, "s3://b/*"),
        ("s3cmd mb s3://new", _E.CREATE, "arn:aws:s3:::new"),
        ("s3cmd put a.txt s3://b/a.txt", _E.UPDATE, "arn:aws:s3:::b/a.txt"),
        ("s3cmd put a.txt b.txt s3://b/in/", _E.UPDATE, "s3://b/in/*"),
        ("s3cmd put -r site s3://b/web/", _E.UPDATE, "arn:aws:s3:::b/web/*"),
        ("s3cmd put a s3://b/ --add-destination s3://c/", _E.UPDATE, "s3://c/*"),
        ("s3cmd get s3://b/a.txt /tmp/a.txt", _E.UPDATE, "file:/tmp/a.txt"),
        ("s3cmd get s3://b/a.txt", _E.UPDATE, "file:/w/a.txt"),
        ("s3cmd get -r s3://b/dir/", _E.UPDATE, "file:/w/*"),
        ("s3cmd get --delete-after-fetch s3://b/x /tmp/x", _E.DELETE, "s3://b/x"),
        ("s3cmd cp s3://b/x s3://c/y", _E.UPDATE, "arn:aws:s3:::c/y"),
        ("s3cmd mv s3://b/x s3://c/", _E.DELETE, "arn:aws:s3:::b/x"),
        ("s3cmd sync ./site s3://b/web/ --delete-removed", _E.DELETE, "s3://b/web/*"),
        ("s3cmd sync --delete-rem ./site s3://b/web/", _E.DELETE, "s3://b/web/*"),
        ("s3cmd sync s3://b/web/ ./site --delete-removed", _E.DELETE, "file:/w/site/*"),
        ("s3cmd --exclude '*.tmp' sync ./site s3://b/", _E.UPDATE, "s3://b/*"),
        ("s3cmd setacl --acl-public s3://b/x", _E.UPDATE, "s3://b/x"),
        ("s3cmd setpolicy policy.json s3://b", _E.UPDATE, "arn:aws:s3:::b"),
        # azcopy: https://ACCOUNT.blob.core.windows.net/container/path -> azure:storage/...
        (f"azcopy list {_BLOB}/c", _E.READ, "azure:storage/acct/c"),
        (f"azcopy copy ./data '{_BLOB}/backups?{_SAS}' --recursive", _E.READ, "file:/w/data/*"),
        (
            f"azcopy copy ./data '{_BLOB}/backups?{_SAS}' --recursive",
            _E.UPDATE,
            "azure:storage/acct/backups/*",
        ),
        (f"azcopy cp a.txt '{_BLOB}/c/a.txt?{_SAS}'", _E.UPDATE, "azure:storage/acct/c/a.txt"),
        (f"azcopy copy '{_BLOB}/c/x.txt?{_SAS}' /tmp/x.txt", _E.UPDATE, "file:/tmp/x.txt"),
        (
            f"azcopy remove '{_BLOB}/c/logs?{_SAS}' --recursive",
            _E.DELETE,
            "azure:storage/acct/c/logs/*",
        ),
        (f"azcopy rm {_BLOB}/c/x.txt", _E.DELETE, "azure:storage/acct/c/x.txt"),
        (
            "azcopy rm https://acct.dfs.core.windows.net/fs/dir --recursive=true",
            _E.DELETE,
            "azure:storage/acct/fs/dir/*",
        ),
        (
            f"azcopy sync ./site {_BLOB}/web --delete-destination=true",
            _E.DELETE,
            "azure:storage/acct/web/*",
        ),
        (
            f"azcopy sync ./site {_BLOB}/web --delete-destination prompt",
            _E.DELETE,
            "azure:storage/acct/web/*",
        ),
        (f"azcopy sync ./site {_BLOB}/web", _E.UPDATE, "azure:storage/acct/web/*"),
        (f"azcopy make {_BLOB}/new", _E.CREATE, "azure:storage/acct/new"),
        (
            "azcopy copy 'https://s3.amazonaws.com/bkt/k?X-Amz-Signature=s' /tmp/k",
            _E.READ,
            "https://s3.amazonaws.com/bkt/k",
        ),
    ],
)
def test_meanings(command: str, kind: EffectKind, name: str) -> None:
    found = _effects(command)
    assert any(e.effect is kind and name in e.resource.names for e in found), [
        (e.effect, e.resource.names) for e in found
    ]


@pytest.mark.parametrize(
    ("command", "kind", "names"),
    [
        # Without rclone's config any remote may be AWS S3: named as the AWS CLI names it too.
        ("rclone deletefile remote:b/x", _E.DELETE, {"rclone:remote/b/x", "arn:aws:s3:::b/x"}),
        ("rclone rmdir remote:b/empty", _E.DELETE, {"rclone:remote/b/empty", _ARN + "b/empty"}),
        ("rclone sync ./empty remote:prod", _E.DELETE, {"rclone:remote/prod/*", _ARN + "prod/*"}),
        ("mc rb play/b", _E.DELETE, {"minio:play/b"}),
        ("mc mirror ./site play/web", _E.DELETE, set()),
        ("s3cmd sync ./site s3://b/web/", _E.DELETE, set()),
        (
            "s3cmd sync --delete-after ./site s3://b/web/",
            _E.DELETE,
            set(),
        ),  # not --delete-after-fetch
        ("s3cmd rb s3://b", _E.DELETE, {"arn:aws:s3:::b", "s3://b"}),
        (f"azcopy sync ./site {_BLOB}/web", _E.DELETE, set()),
        (f"azcopy sync ./site {_BLOB}/web --delete-destination=false", _E.DELETE, set()),
        (f"azcopy rm {_BLOB}/c/x.txt", _E.DELETE, {"azure:storage/acct/c/x.txt"}),
    ],
)
def test_exact_names(command: str, kind: EffectKind, names: set[str]) -> None:
    assert _names(command, kind, MC_HOST_play="https://k:s@play.min.io") == names


@pytest.mark.parametrize(
    ("s3cmd", "aws"),
    [
        ("s3cmd del s3://b/k", "aws s3 rm s3://b/k"),
        ("s3cmd del --recursive s3://b/p/", "aws s3 rm --recursive s3://b/p/"),
        ("s3cmd rb s3://b", "aws s3 rb s3://b"),
        ("s3cmd rb --force s3://b", "aws s3 rb --force s3://b"),
        ("s3cmd sync --delete-removed . s3://b/p/", "aws s3 sync . s3://b/p/ --delete"),
    ],
)
def test_s3cmd_names_as_the_aws_cli_does(s3cmd: str, aws: str) -> None:
    """A policy written against ``aws s3`` names holds for s3cmd too."""
    assert _names(aws, _E.DELETE) <= _names(s3cmd, _E.DELETE)


def test_mc_tells_aliases_from_local_paths_by_its_config() -> None:
    # Without its config, a word that may be an alias or a relative path is named both ways
    # (and, as the alias may point at AWS S3, as the AWS CLI names it too).
    (effect,) = _effects("mc rm data/x")
    assert effect.resource.names == ("minio:data/x", "arn:aws:s3:::x", "file:/w/data/x")
    config = json.dumps({"version": "10", "aliases": {"data": {"url": "https://m"}}})
    files = MemoryFiles({"/home/u/.mc/config.json": config})
    (effect,) = _effects("mc rm data/x", files=files)
    assert effect.resource.names == ("minio:data/x",)
    (effect,) = _effects("mc rm other/x", files=files)
    assert effect.resource.names == ("file:/w/other/x",)
    moved = MemoryFiles({"/etc/mc/config.json": config})
    (effect,) = _effects("mc -C /etc/mc rm data/x", files=moved)
    assert effect.resource.names == ("minio:data/x",)
    (effect,) = _effects("mc rm data/x", MC_HOST_data="https://k:s@m")
    assert effect.resource.names == ("minio:data/x",)


@pytest.mark.parametrize(
    "command",
    [
        f"azcopy copy ./data '{_BLOB}/backups?{_SAS}' --recursive",
        f"azcopy remove '{_BLOB}/c/logs?{_SAS}' --recursive --dry-run",
        f"azcopy sync '{_BLOB}/a?{_SAS}' '{_BLOB}/b?{_SAS}' --delete-destination=true",
        f"azcopy list '{_BLOB}/c?{_SAS}'",
        f"azcopy frobnicate '{_BLOB}/c?{_SAS}'",
        f"azcopy copy '{_BLOB}/c?{_SAS}'",
        f"azcopy login '{_BLOB}/c?{_SAS}'",
        f"rclone copyurl 'https://files.example/f?{_SAS}' remote:p",
        f"s3cmd put '{_BLOB}/c?{_SAS}' s3://b/",
    ],
)
def test_the_sas_token_never_shows(command: str) -> None:
    """Nor any other URL's query, in names, details or the command text shown."""
    for effect in _effects(command):
        shown = [*effect.resource.names, effect.detail, effect.command or ""]
        assert not [s for s in shown if "sig=" in s or "S3CRET" in s], effect


@pytest.mark.parametrize(
    "command",
    [
        "rclone sync --dry-run ./a remote:prod",
        "rclone purge -n remote:b",
        "rclone -n bisync remote:a ./b",
        "mc rm --dry-run -r --force play/b",
        "mc mirror --fake --remove ./a play/b",
        "s3cmd del -n s3://b/x",
        "s3cmd sync --dry-run --delete-removed . s3://b/",
        f"azcopy remove --dry-run {_BLOB}/c --recursive",
        f"azcopy sync ./a {_BLOB}/c --delete-destination=true --dry-run",
    ],
)
def test_dry_runs_only_read(command: str) -> None:
    assert _kinds(command) == {_E.READ}, command


@pytest.mark.parametrize("value", ["false", "False", "0", "no", "maybe", ""])
def test_a_dry_run_not_surely_on_is_not_one(value: str) -> None:
    # Only a spelling of true makes it a dry run: a value we cannot read runs for real.
    assert _kinds(f"rclone --dry-run={value} purge remote:b") == {_E.DELETE}


@pytest.mark.parametrize("value", ["true", "TRUE", "1", "yes"])
def test_a_dry_run_spelled_true_is_one(value: str) -> None:
    assert _kinds(f"rclone --dry-run={value} purge remote:b") == {_E.READ}


def test_a_widening_option_is_on_unless_spelled_false() -> None:
    # --delete-destination widens what sync does: anything but false/off keeps the deletes
    deletes = "azcopy sync ./a {}/c --delete-destination={}"
    assert _E.DELETE in _kinds(deletes.format(_BLOB, "prompt"))
    assert _E.DELETE in _kinds(deletes.format(_BLOB, "TRUE"))
    assert _E.DELETE not in _kinds(deletes.format(_BLOB, "False"))


@pytest.mark.parametrize(
    "command",
    [
        "rclone",
        "rclone frobnicate remote:x",
        "rclone mount remote: /mnt",
        "rclone serve http remote:",
        "rclone ncdu remote:",
        "rclone config create r s3",
        "rclone copy ./a",  # no destination
        "rclone sync a b c",
        "rclone purge :s3:bucket",  # an on-the-fly backend
        "rclone purge 'remote,secret_access_key=x:bucket'",
        "rclone copy https://files.example/f remote:p",  # a URL where a path goes
        "rclone purge",
        "mc",  # Midnight Commander
        "mc /srv /tmp",
        "mc admin info play",
        "mc alias set play https://play.min.io k s",
        "mc find play/b --exec 'mc rm {}'",
        "mc rm --stdin",
        "mc rb",
        "s3cmd",
        "s3cmd frobnicate s3://b",
        "s3cmd --configure",
        "s3cmd del",
        "azcopy",
        "azcopy login",
        "azcopy jobs resume 1",
        "azcopy copy ./a",
        "azcopy rm 'https://[bad/x'",
    ],
)
def test_what_is_not_understood_is_unknown(command: str) -> None:
    assert _kinds(command) == {_E.UNKNOWN}, command


@pytest.mark.parametrize(
    "command",
    [
        "rclone purge remote:$B",
        'rclone sync ./a "remote:$DST"',
        "rclone copy ./a remote:x --backup-dir=remote:$OLD",
        "mc rm -r --force play/$B",
        "s3cmd del s3://$B/x",
        "azcopy rm https://$ACCT.blob.core.windows.net/c --recursive",
    ],
)
def test_a_change_decided_at_run_time_is_unknown(command: str) -> None:
    assert _E.UNKNOWN in _kinds(command) and _E.DELETE not in _kinds(command), command


@pytest.mark.parametrize(
    "command",
    [
        "rclone purge /",
        "rclone sync remote:empty ~",
        "mc rm -r --force ~/",
        "s3cmd sync s3://b/ / --delete-removed",
    ],
)
def test_wiping_root_or_a_home_is_catastrophic(command: str) -> None:
    assert any(e.catastrophic for e in _effects(command)), command


@pytest.mark.parametrize(
    ("command", "env", "expected"),
    [
        ("s3cmd del s3://acme-terraform-state/x", "production", Verdict.DENY),
        ("s3cmd del s3://acme-terraform-state/x", "dev", Verdict.DENY),
        ("s3cmd rb --force s3://acme-terraform-state-eu", "dev", Verdict.DENY),
        ("s3cmd sync --delete-removed ./s s3://acme-terraform-state/", "dev", Verdict.DENY),
        ("rclone sync ./empty remote:prod", "production", Verdict.ASK),
        ("rclone sync ./empty remote:prod", None, Verdict.ASK),
        ("rclone purge /", "dev", Verdict.DENY),
        ("rclone purge remote:$B", "dev", Verdict.ASK),
        ("rclone sync --dry-run ./empty remote:prod", "production", Verdict.ALLOW),
        ("rclone ls remote:prod", "dev", Verdict.ALLOW),
        ("mc ls play/b", "dev", Verdict.ALLOW),
        ("s3cmd ls s3://b", "dev", Verdict.ALLOW),
        (f"azcopy list '{_BLOB}/c?{_SAS}'", "dev", Verdict.ALLOW),
        ("rclone copy ./site remote:web", "dev", Verdict.ALLOW),
        ("mc rm -r --force play/b", "dev", Verdict.ALLOW),
    ],
)
def test_under_the_brief_policy(
    command: str, env: str | None, expected: Verdict, judge_brief
) -> None:
    decision = judge_brief(command, env=env)
    assert decision.decision is expected, (command, decision.describe())
