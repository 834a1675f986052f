"""A framework's stock launcher run by its path (``./manage.py``, ``bin/rails``, ``bin/rake``)
or through its interpreter (``ruby bin/rails``) is judged as the tool it launches; any other
file of that name stays the script it is (unknown)."""

from __future__ import annotations

import pytest
from tests.understand.shell.test_migrations import MANAGE_PY

from keyturn.model import Effect, EffectKind
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

_E = EffectKind

# What ``rails new`` writes (Rails 7 and 8), and Rails 5.1's spelling.
RAILS = """#!/usr/bin/env ruby
APP_PATH = File.expand_path("../config/application", __dir__)
require_relative "../config/boot"
require "rails/commands"
"""
RAILS_5 = """#!/usr/bin/env ruby
# frozen_string_literal: true
APP_PATH = File.expand_path('../../config/application', __FILE__)
require_relative '../config/boot'
require 'rails/commands'
"""
RAKE = """#!/usr/bin/env ruby
require_relative "../config/boot"
require "rake"
Rake.application.run
"""
# Rails 6.0's binstub: Spring (bin/spring, the project's file) is loaded first.
RAILS_SPRING = """#!/usr/bin/env ruby
begin
  load File.expand_path('../spring', __FILE__)
rescue LoadError => e
  raise unless e.message.include?('spring')
end
APP_PATH = File.expand_path('../config/application', __dir__)
require_relative '../config/boot'
require 'rails/commands'
"""
DATABASE_YML = "production:\n  adapter: postgresql\n  database: shop\n  host: prod-db\n"
SHOP = ("db:postgres/shop", "db:postgres/shop@prod-db")


def _effects(command: str, files: dict[str, str], cwd: str = "/app") -> list[Effect]:
    action = understand_shell(command, cwd=cwd, home="/home/u", files=MemoryFiles(files))
    return list(action.effects)


def _rails_app(binstub: str = RAILS, name: str = "rails", root: str = "/app") -> dict[str, str]:
    return {f"{root}/bin/{name}": binstub, f"{root}/config/database.yml": DATABASE_YML}


@pytest.mark.parametrize(
    ("command", "kind"),
    [
        ("./manage.py flush --noinput", _E.DELETE),
        ("./manage.py showmigrations", _E.READ),
        ("/app/manage.py migrate", _E.UPDATE),
    ],
)
def test_manage_py_run_by_its_path_is_django(command: str, kind: EffectKind) -> None:
    effect = _effects(command, {"/app/manage.py": MANAGE_PY})[0]
    assert effect.effect is kind
    assert "db:django/shop.settings/default" in effect.resource.names


@pytest.mark.parametrize(
    ("command", "binstub", "kind"),
    [
        ("bin/rails db:drop", RAILS, _E.DELETE),
        ("./bin/rails db:migrate:status", RAILS, _E.READ),
        ("bin/rails db:reset", RAILS_5, _E.REPLACE),
        ("ruby bin/rails db:drop", RAILS, _E.DELETE),
        ("bundle exec bin/rails db:drop", RAILS, _E.DELETE),
    ],
)
def test_rails_binstub_is_rails(command: str, binstub: str, kind: EffectKind) -> None:
    effect = _effects(command, _rails_app(binstub))[0]
    assert (effect.effect, effect.resource.names[:2]) == (kind, SHOP)


def test_rake_binstub_is_rake() -> None:
    effect = _effects("bin/rake db:drop", _rails_app(RAKE, name="rake"))[0]
    assert (effect.effect, effect.resource.names[:2]) == (_E.DELETE, SHOP)


def test_rails_binstub_reads_its_own_applications_database() -> None:
    """From another folder, the databases are those of the app the binstub belongs to."""
    effect = _effects("/srv/shop/bin/rails db:drop", _rails_app(root="/srv/shop"), cwd="/tmp")[0]
    assert effect.resource.names[:2] == SHOP


def test_code_run_through_a_binstub_stays_unknown() -> None:
    assert _effects("bin/rails runner 'User.delete_all'", _rails_app())[0].effect is _E.UNKNOWN


@pytest.mark.parametrize(
    ("files", "command"),
    [
        # Not at hand.
        ({}, "./manage.py flush --noinput"),
        ({}, "bin/rails db:drop"),
        # Django's launcher with code of its own after it.
        ({"/app/manage.py": MANAGE_PY + "import shutil\nshutil.rmtree('/srv')\n"}, "./manage.py"),
        # A binstub with a line of its own.
        (_rails_app(RAILS + 'system("rm -rf /srv")\n'), "bin/rails db:migrate:status"),
        (_rails_app(RAILS_SPRING), "bin/rails db:migrate:status"),
        # The launcher's text under another name, or outside bin/.
        (_rails_app(name="deploy"), "bin/deploy db:migrate:status"),
        ({"/app/rails": RAILS, **_rails_app()}, "./rails db:migrate:status"),
        # An interpreter of the project's own, options on the #! line, or none at all.
        ({"/app/manage.py": MANAGE_PY.replace("/usr/bin/env python", "./venv/py")}, "./manage.py"),
        (_rails_app(RAILS.replace("env ruby", "env -S ruby -rx")), "bin/rails db:migrate:status"),
        ({"/app/manage.py": MANAGE_PY.split("\n", 1)[1]}, "./manage.py showmigrations"),
        # Django's launcher run by ruby, a binstub run by python.
        ({"/app/manage.py": MANAGE_PY.replace("python", "ruby", 1)}, "./manage.py migrate"),
        (_rails_app(RAILS.replace("ruby", "python3")), "bin/rails db:migrate:status"),
    ],
)
def test_any_other_file_stays_the_script_it_is(files: dict[str, str], command: str) -> None:
    assert {e.effect for e in _effects(command, files)} == {_E.UNKNOWN}


@pytest.mark.parametrize(
    "command",
    [
        "echo 'system(\"rm -rf /\")' >> bin/rails; bin/rails db:migrate:status",
        "cp /tmp/x bin/rails && bin/rails db:migrate:status",
        "echo 'import os' >> manage.py; ./manage.py showmigrations",
    ],
)
def test_a_launcher_the_line_changes_is_not_trusted(command: str) -> None:
    files = {"/app/manage.py": MANAGE_PY, **_rails_app()}
    effects = _effects(command, files)
    assert _E.READ not in {e.effect for e in effects[1:]}
    assert _E.UNKNOWN in {e.effect for e in effects}
