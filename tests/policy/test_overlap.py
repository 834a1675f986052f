"""``overlap``: whether a wildcard resource name and a protected glob share a string, checked
against every short string."""

from __future__ import annotations

import itertools
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from keyturn.policy.matching import GlobSet, overlap

ALPHABET = "ab:/"
GLOBS = st.text(alphabet="ab:/*?", max_size=4)


def _regex(glob: str, *, star: str) -> re.Pattern[str]:
    parts = {"*": star, "?": "."}
    return re.compile("".join(parts.get(c) or re.escape(c) for c in glob) + r"\Z", re.DOTALL)


def _shared_string(name: str, pattern: str) -> bool:
    # In a name a star is a run within one ':'-separated field; in a pattern, any run.
    as_name, as_pattern = _regex(name, star="[^:]*"), _regex(pattern, star=".*")
    for length in range(len(name) + len(pattern) + 1):
        for chars in itertools.product(ALPHABET, repeat=length):
            text = "".join(chars)
            if as_name.match(text) and as_pattern.match(text):
                return True
    return False


@settings(max_examples=300, deadline=None)
@given(name=GLOBS, pattern=GLOBS)
def test_overlap_is_a_shared_string(name: str, pattern: str) -> None:
    assert overlap(name, pattern) is _shared_string(name, pattern), (name, pattern)


def test_first_overlap_names_the_first_glob_reached() -> None:
    globs = GlobSet(("k8s:namespace/payments", "file:/srv/data", "*prod*", "file:/srv/logs"))
    assert globs.first_overlap(["file:/srv", "file:/srv/*"]) == 1
    assert globs.first_overlap(["k8s:namespace/*"]) == 0
    assert globs.first_overlap(["file:/w/prod/*"]) is None  # *prod* has no literal start
    assert globs.first_overlap(["file:/srv/data"]) is None  # literal names: first_match's
