"""The policy's ``protected`` patterns, compiled: which effects reach a protected resource,
and what the built-in protection rule decides on them (BRIEF §4.1: deny, whatever the rules).

File names compare without case here (as self-protection does): macOS's and Windows' file
systems do not tell /srv/PROD from /srv/prod, so a case variant deletes the protected
directory. Stricter than Linux needs, on purpose. Azure's names too: Azure compares resource
and group names (and ARM ids) without case, so ``az group delete -n RG-MAIN`` deletes the
protected ``azure:group/rg-main``. IAM's names too: IAM refuses a role ``admin`` beside a role
``Admin`` ("names are not distinguished by case"), so a case variant is taken to name it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from keyturn.model import Effect, EffectKind, Resource, Verdict
from keyturn.policy.matching import GlobSet
from keyturn.policy.outcome import Outcome

# The kinds of names protection compares without case: files, Azure's resources, and IAM's
# users, groups, roles and policies (IAM does not tell their names apart by case).
_FOLDED = ("file:", "azure:", "arn:aws:iam::", "arn:aws-cn:iam::", "arn:aws-us-gov:iam::")

_DELETE, _REPLACE = EffectKind.DELETE, EffectKind.REPLACE


def _fold_pattern(pattern: str) -> str:
    """A protected pattern as matched: a file name's (or an Azure name's) in lower case."""
    return pattern.lower() if pattern.startswith(_FOLDED) else pattern


def _folded(resource: Resource) -> Resource:
    """``resource`` with its file (and Azure) names in lower case (itself when none changes)."""
    names = resource.names
    folded = tuple(n.lower() if n.startswith(_FOLDED) else n for n in names)
    return resource if folded == names else replace(resource, names=folded)


class Protection:
    """The compiled ``protected`` patterns of a policy (see the module's docstring)."""

    __slots__ = ("_fold", "_heads", "_outcomes", "_prefixes", "_set", "patterns")

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(patterns)
        self._fold = any(p.startswith(_FOLDED) for p in patterns)
        self._set = GlobSet(tuple(map(_fold_pattern, patterns)))
        self._set.first_match(())  # compiles its expression now, not on a first delete
        self._heads, self._prefixes = self._set.head_texts, self._set.head_prefixes
        # What patterns[i] decides: (a delete or replace of it, switching its protection off,
        # an effect keyturn cannot understand on it).
        self._outcomes = tuple(
            (
                Outcome(Verdict.DENY, f"protected[{i}]", "protected resource", protected=True),
                Outcome(
                    Verdict.DENY,
                    f"protected[{i}]",
                    "switches off the protection of a protected resource",
                    protected=True,
                ),
                Outcome(
                    Verdict.DENY,
                    f"protected[{i}]",
                    "not understood, on a protected resource: it may delete or replace it",
                    protected=True,
                ),
            )
            for i in range(len(patterns))
        )

    @classmethod
    def build(cls, patterns: Sequence[str]) -> Protection | None:
        """The compiled patterns (None when the policy protects nothing)."""
        return cls(patterns) if patterns else None

    def reach(self, effect: Effect) -> tuple[bool, tuple[str, ...]]:
        """(whether ``effect`` reaches a protected resource, its names as the patterns are
        matched against: its file and Azure names in lower case)."""
        shown = _folded(effect.resource) if self._fold else effect.resource
        names = shown.names
        if self._set.match_any(names):
            return True, names
        starts = shown.wide_starts
        if starts:
            # A wide delete (file:/srv/*, k8s:namespace/*) reaches what it covers. Identity and
            # C-level tests first (an enum's hash is Python code): most wide names are not
            # deleted, or share no literal start with a protected pattern.
            kind = effect.effect
            # (Not for an unknown effect: what it does is not told, so neither is what it
            # reaches; it is held by the names it gives.)
            if kind is _DELETE or kind is _REPLACE or effect.removes_protection:
                heads, prefixes = self._heads, self._prefixes
                for start in starts:
                    if start.startswith(heads) or start in prefixes:
                        return self._set.first_overlap(names) is not None, names
        return False, names

    def outcome(
        self, names: tuple[str, ...], *, destructive: bool, unknown: bool
    ) -> Outcome | None:
        """The protection rule's deny for an effect on ``names`` (as :meth:`reach` gave them)
        that reaches a protected resource and is destructive, not understood or switches its
        protection off (None when no pattern names it after all)."""
        index = self._set.first_match(names)
        if index is not None:
            return self._outcomes[index][0 if destructive else 2 if unknown else 1]
        index = self._set.first_overlap(names)
        if index is None:
            return None
        what = "deletes or replaces" if destructive else "switches off the protection of"
        reason = f"{what} everything it names, which takes in the protected {self.patterns[index]}"
        return Outcome(Verdict.DENY, f"protected[{index}]", reason, protected=True)
