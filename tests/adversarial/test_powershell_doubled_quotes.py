"""PowerShell's doubled quotes: inside a quoted string, two double quotes (in double quotes) or
two single quotes (in single quotes) are one literal quote (about_Quoting_Rules: "To include a
double quotation mark in a double-quoted string, use two"). keyturn dropped both, so a JSON
policy written in PowerShell's usual way (``-Policy "{""Statement"": [...]}"``) read as
``{Statement: [...]}``, which no JSON reader takes: a bucket policy letting anyone in was judged
as a plain update, and allowed on a protected bucket in dev.
"""

from __future__ import annotations

import pytest
from tests.adversarial._judging import decision_of, protecting, understood_line

from keyturn.understand.shell.commands._windows_words import tokens

_POLICY = protecting("arn:aws:s3:::acme-archive", "arn:aws:s3:::acme-archive/*")
_PUBLIC = (
    '{""Version"":""2012-10-17"",""Statement"":[{""Effect"":""Allow"",""Principal"":""*"",'
    '""Action"":""s3:GetObject"",""Resource"":""arn:aws:s3:::acme-archive/*""}]}'
)
_PRIVATE = _PUBLIC.replace('""Principal"":""*""', '""Principal"":{""AWS"":""arn:aws:iam::1:root""}')


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ('"{""a"": 1}"', '{"a": 1}'),
        ("'it''s'", "it's"),
        ('"a"""', 'a"'),
        ('""', ""),
        ("''", ""),
        ('"say ""hi"" now"', 'say "hi" now'),
    ],
)
def test_a_doubled_quote_is_one_literal_quote(text: str, word: str) -> None:
    assert tokens(f"echo {text}", powershell=True) == ["echo", word]


def _decision(script: str) -> str:
    return decision_of(understood_line(script, "dev", powershell=True), _POLICY)


def test_a_public_policy_written_with_doubled_quotes_is_refused() -> None:
    script = f'Write-S3BucketPolicy -BucketName acme-archive -Policy "{_PUBLIC}"'
    assert _decision(script) == "deny"


def test_a_private_policy_written_with_doubled_quotes_is_an_update() -> None:
    """False-alarm guard (passes before the change too, when the text was unreadable): a policy
    naming one account opens nothing."""
    script = f'Write-S3BucketPolicy -BucketName acme-archive -Policy "{_PRIVATE}"'
    assert _decision(script) == "allow"
