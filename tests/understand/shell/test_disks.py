"""Partition tools: listing reads the disk; anything else rewrites its partition table."""

from __future__ import annotations

import pytest

from keyturn.model import EffectKind
from keyturn.understand.shell import understand_shell


def _effects(command: str):
    return understand_shell(command, cwd="/w", home="/home/u").effects


@pytest.mark.parametrize(
    "command",
    [
        "fdisk -l",
        "fdisk -l /dev/sda",
        "sfdisk -d /dev/sda",
        "sfdisk --json /dev/vda",
        "sgdisk -p /dev/sda",
        "sgdisk --pretend --zap-all /dev/sda",  # pretend: nothing is written
        "gdisk -l /dev/nvme0n1",
        "parted -l",
        "parted -s /dev/sda print",
        "parted /dev/sda unit MB print",
    ],
)
def test_listing_reads_the_disk(command: str) -> None:
    assert [e.effect for e in _effects(command)] == [EffectKind.READ], command


@pytest.mark.parametrize(
    "command",
    [
        "fdisk /dev/sda",
        "sfdisk /dev/sda < table",
        "sfdisk --delete /dev/sda 1",
        "sgdisk --zap-all /dev/sda",
        "sgdisk -o /dev/sda",
        "gdisk /dev/sda",
        "cfdisk /dev/sda",
        "parted /dev/sda",
        "parted -s /dev/sda mklabel gpt",
        "parted /dev/sda rm 1",
        "parted /dev/sda unit MB print rm 1",
    ],
)
def test_anything_else_rewrites_the_partition_table(command: str) -> None:
    found = _effects(command)
    assert any(e.catastrophic and e.effect is EffectKind.REPLACE for e in found), command
