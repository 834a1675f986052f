"""A manage.py is judged as Django's launcher only when it is that and nothing more."""

from __future__ import annotations

import pytest

from keyturn.understand.shell.commands._django_launcher import is_django_launcher

# What ``django-admin startproject`` writes (Django 2.x to 5.x), and what Django 1.x wrote.
MODERN = '''#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys


def main():
    """Run administrative tasks."""
    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Are you sure it's installed and "
            "available on your PYTHONPATH environment variable? Did you "
            "forget to activate a virtual environment?"
        ) from exc
    execute_from_command_line(sys.argv)


if __name__ == '__main__':
    main()
'''

LEGACY = """#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    try:
        from django.core.management import execute_from_command_line
    except ImportError:
        # The above import may fail for some other reason.
        try:
            import django
        except ImportError:
            raise ImportError("Couldn't import Django.")
        raise
    execute_from_command_line(sys.argv)
"""


@pytest.mark.parametrize("text", [MODERN, LEGACY], ids=["modern", "legacy"])
def test_the_templates_are_launchers(text: str) -> None:
    assert is_django_launcher(text)


@pytest.mark.parametrize(
    ("change", "text"),
    [
        (
            "a call of its own",
            MODERN.replace("    main()", "    os.system('rm -rf ~')\n    main()"),
        ),
        ("another module", MODERN.replace("import sys", "import sys\nimport shop.boot")),
        ("a relative import", MODERN.replace("import sys", "import sys\nfrom . import boot")),
        ("dotenv", MODERN.replace("import sys", "import sys\nfrom dotenv import load_dotenv")),
        ("a decorator", MODERN.replace("def main():", "@os.system\ndef main():")),
        ("another function", MODERN + "\ndef helper():\n    pass\n"),
        ("a class body", MODERN + "\nclass X:\n    pass\n"),
        (
            "a context manager",
            MODERN.replace("    main()", "    with open('x') as f:\n        main()"),
        ),
        ("__import__", MODERN.replace("    main()", "    __import__('os').system('x')")),
        ("eval", MODERN.replace("    main()", "    eval('1')\n    main()")),
        ("a lambda", MODERN + "\nf = lambda: 0\n"),
        ("a subscript", MODERN.replace("(sys.argv)", "(sys.argv[:1])")),
        ("no launcher call", MODERN.replace("    execute_from_command_line(sys.argv)\n", "")),
        ("not python", "#!/bin/sh\nrm -rf ~\n"),
        ("empty", ""),
        ("too long", MODERN + "#" * 20_000),
    ],
)
def test_anything_more_is_not_a_launcher(change: str, text: str) -> None:
    assert not is_django_launcher(text), change
