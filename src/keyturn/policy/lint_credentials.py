"""Brokered credentials broader than their environment (``keyturn policy lint``).

``keyturn exec`` hands an agent acting in an environment the role ``credentials.aws.<env>``
names. A dev role in the production account lets a command judged as dev act on production:
the incident's root cause, an agent running with "permissions broader than anyone intended".
And a ``read_role_arn`` that is the ``role_arn`` makes the read-only fallback write.
"""

from __future__ import annotations

from keyturn.policy.engine import Policy
from keyturn.policy.lint_parts import Problem, Severity
from keyturn.policy.loader import child_path

__all__ = ["read_role_is_write_role", "role_in_other_environment"]


def _account(role_arn: str) -> str:
    """The account of a role ARN (validated at load: ``arn:aws:iam::ACCOUNT:role/NAME``)."""
    return role_arn.split(":")[4]


def role_in_other_environment(policy: Policy) -> list[Problem]:
    """A role whose account another environment's ``aws_accounts`` names: an error when that
    environment is production and the role's is not, a warning otherwise."""
    production = policy.production_environments
    problems = []
    for env, credential in policy.credentials.aws.items():
        path = child_path("credentials.aws", env)
        for key in ("role_arn", "read_role_arn"):
            arn = getattr(credential, key)
            if arn is None:
                continue
            account = _account(arn)
            owners = [
                spec.name
                for spec in policy.document.environments
                if spec.name != env and spec.aws_accounts and spec.aws_accounts.match(account)
            ]
            for owner in owners:
                worse = owner in production and env not in production
                problems.append(
                    Problem(
                        Severity.ERROR if worse else Severity.WARNING,
                        policy.document.line(child_path(path, key)),
                        f"{child_path(path, key)} is in account {account}, which "
                        f"environments.{owner}.aws_accounts names: keyturn exec hands agents "
                        f"acting in {env} a role in {owner}'s account"
                        + (", a production one" if owner in production else ""),
                    )
                )
    return problems


def read_role_is_write_role(policy: Policy) -> list[Problem]:
    """A ``read_role_arn`` equal to the ``role_arn``: the read-only role is not read-only."""
    return [
        Problem(
            Severity.WARNING,
            policy.document.line(child_path(child_path("credentials.aws", env), "read_role_arn")),
            f"{child_path(child_path('credentials.aws', env), 'read_role_arn')} is the role_arn: "
            "commands that should only read run with the write role; name a read-only role",
        )
        for env, credential in policy.credentials.aws.items()
        if credential.read_role_arn == credential.role_arn
    ]
