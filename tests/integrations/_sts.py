"""A stand-in for keyturn's STS client in the exec suites."""

from __future__ import annotations

from typing import Any


class StsRecorder:
    """keyturn's STS client, recording the role of every AssumeRole it is asked for and
    answering with fixed short-lived keys (``ASIABROKERED``)."""

    def __init__(self) -> None:
        self.assumed: list[str] = []

    def __call__(self) -> StsRecorder:
        return self

    def assume_role(self, **kwargs: Any) -> dict[str, Any]:
        self.assumed.append(kwargs["RoleArn"])
        return {"Credentials": {"AccessKeyId": "ASIABROKERED", "SecretAccessKey": "brokered",
                                "SessionToken": "brokered-token"}}  # fmt: skip
