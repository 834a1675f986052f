"""What the tests of Terraform protection removed through files share: the protected resource's
text (``aws_db_instance.main``, ``prevent_destroy = true``), an unprotected one, a shell line
understood over a project held in memory, and whether an action takes the protection off."""

from __future__ import annotations

from tests.adversarial.conftest import CWD, HOME

from keyturn.model import Action, Target
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

ADDRESS = "aws_db_instance.main"
MAIN_TF = (
    'resource "aws_db_instance" "main" {\n'
    '  identifier = "prod-db"\n'
    "  lifecycle {\n"
    "    prevent_destroy = true\n"
    "  }\n"
    "}\n"
)
UNPROTECTED_TF = 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n'


def understood_over(line: str, files: dict[str, str]) -> Action:
    """``line`` understood in the project ``files`` (in ``dev``, from ``CWD``)."""
    return understand_shell(
        line, cwd=CWD, home=HOME, target=Target(environment="dev"), files=MemoryFiles(files)
    )


def removes(action: Action) -> bool:
    """Whether an effect of ``action`` names the address and switches its protection off."""
    return any(e.removes_protection and ADDRESS in e.resource.names for e in action.effects)
