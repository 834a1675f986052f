"""Whether a ``manage.py`` is Django's own launcher, as ``startproject`` writes it.

``python manage.py migrate`` is judged as Django's ``migrate`` only when the file that runs is
the launcher and nothing more: a ``manage.py`` is a Python program, and one that also calls
``os.system`` (or imports a module of the project's, or decorates, or opens a file) is a
program like any other, whose effects are not judged. A look for the launcher's words
(``execute_from_command_line``) would pass a file that adds its own code after them.

So the file is parsed (``ast``, nothing runs) and every construct in it must be one the
launcher templates use (Django 1.x to 5.x): imports of ``os``, ``sys`` and Django's own
modules, ``os.environ.setdefault``, the ``try``/``except ImportError`` around the import, the
call of ``execute_from_command_line``, a ``main`` function and the ``__main__`` guard. Reading
Django's settings and apps, which every management command loads, is trusted as the
tool's own configuration, as ``terraform plan`` trusts the configuration it reads.
"""

from __future__ import annotations

import ast

# Modules the templates import: importing a module runs its code, so no other one.
_MODULES = frozenset({"os", "sys", "django", "django.core.management"})
# What the templates call, by dotted name.
_CALLS = frozenset(
    {"os.environ.setdefault", "execute_from_command_line", "main", "ImportError"}
    | {"django.core.management.execute_from_command_line"}
)
# Nodes that run code without a call written as one (a class body, a decorator, a context
# manager's enter and exit), or hide one (a lambda, a comprehension's own scope).
_FORBIDDEN = (
    ast.ClassDef,
    ast.AsyncFunctionDef,
    ast.With,
    ast.AsyncWith,
    ast.Lambda,
    ast.Await,
    ast.Yield,
    ast.YieldFrom,
    ast.Global,
    ast.Nonlocal,
    ast.Delete,
    ast.Subscript,
    ast.Starred,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
    ast.NamedExpr,
)
MAX_LAUNCHER = 16_384  # the templates are under 1 KiB; a long file is something else


def is_django_launcher(text: str) -> bool:
    """Whether ``text`` is a Django ``manage.py`` launcher and does nothing else."""
    if len(text) > MAX_LAUNCHER:
        return False
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    calls_launcher = False
    for node in ast.walk(tree):
        if isinstance(node, _FORBIDDEN):
            return False
        if isinstance(node, ast.FunctionDef) and (node.decorator_list or node.name != "main"):
            return False
        if isinstance(node, ast.Import) and any(a.name not in _MODULES for a in node.names):
            return False
        if isinstance(node, ast.ImportFrom) and (node.level or node.module not in _MODULES):
            return False
        if isinstance(node, ast.Call):
            name = _dotted(node.func)
            if name not in _CALLS:
                return False
            calls_launcher = calls_launcher or name.endswith("execute_from_command_line")
    return calls_launcher


def _dotted(node: ast.expr) -> str:
    """``os.environ.setdefault`` for the expression that names it; ``""`` for anything else."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    parts.append(node.id)
    return ".".join(reversed(parts))
