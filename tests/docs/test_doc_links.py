"""Links between the user guides point at files and headings that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
GUIDES = ("cli.md", "integrations.md", "policy.md")
LINK = re.compile(r"\]\(([^)#\s]*)(?:#([^)\s]+))?\)")


def anchors(path: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens."""
    found = set()
    for heading in re.findall(r"^#+ (.+)$", path.read_text(encoding="utf-8"), flags=re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        found.add(slug)
    return found


@pytest.mark.parametrize("guide", GUIDES)
def test_links_resolve(guide: str) -> None:
    source = DOCS / guide
    links = LINK.findall(source.read_text(encoding="utf-8"))
    assert links, f"{guide} links nowhere"
    for target, anchor in links:
        if target.startswith("http"):
            continue
        path = (source.parent / target) if target else source
        assert path.exists(), f"{guide}: link to missing {target}"
        if anchor:
            assert anchor in anchors(path), f"{guide}: no heading for #{anchor} in {path.name}"
