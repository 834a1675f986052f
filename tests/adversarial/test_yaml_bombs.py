"""YAML alias bombs ("billion laughs") in the files and arguments keyturn reads.

Nine levels of nine aliases, each level a list of the one before, are a few hundred bytes that
stand for 387 million strings. PyYAML builds them cheaply (an alias is the same object again),
but a reader that then walks every copy -- a CloudFormation template searched for
``Fn::Transform``, a ``kind: List`` of Lists read for its objects, a compose ``environment``
turned into text -- ran for minutes (and grew without bound) before :mod:`keyturn.yaml_limits`
refused such a document where it is read. A refused document is judged as any file that cannot
be read: its effects ``unknown``, never allowed. The tests assert that judgment and that it is
given at all (each call returns; no clock is read).
"""

from __future__ import annotations

import pytest
import yaml
from tests.adversarial._judging import (
    ALLOW,
    decision_of,
    protecting,
    shown,
    understood_call,
    understood_line,
)
from tests.adversarial.conftest import CWD

from keyturn.model import Action, EffectKind
from keyturn.understand.aws import understand_aws

LEVELS = 9


def bomb(indent: str = "", levels: int = LEVELS) -> str:
    """Mapping lines ``a0`` .. ``a8`` (indented by ``indent``): ``a0`` a list of nine strings,
    each next one a list of nine aliases of the one before."""
    lines = [f"{indent}a0: &a0 [{', '.join(['lol'] * 9)}]"]
    lines += [f"{indent}a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


TOP = f"*a{LEVELS - 1}"  # the alias standing for all of it

# The custom resource's ``Properties`` are searched for ``Fn::Transform`` through every copy.
TEMPLATE = (
    "Metadata:\n"
    + bomb("  ")
    + "Resources:\n  Hook:\n    Type: Custom::Cleanup\n    Properties:\n"
    + f"      ServiceToken: !GetAtt Fn.Arn\n      Tags: {TOP}\n"
)


def _unknown(action: Action) -> set[str]:
    return {n for e in action.effects if e.effect is EffectKind.UNKNOWN for n in e.resource.names}


def _held(action: Action) -> None:
    """``action`` is judged as one whose file cannot be read: unknown effects, not allowed."""
    assert _unknown(action), shown(action)
    assert decision_of(action, protecting()) != ALLOW, shown(action)


# -- CloudFormation -------------------------------------------------------------------------


@pytest.mark.parametrize("verb", ["create-stack", "update-stack", "create-change-set"])
def test_a_template_bomb_on_the_command_line_is_not_read(verb: str) -> None:
    extra = " --change-set-name c" if verb == "create-change-set" else ""
    action = understood_line(
        f"aws cloudformation {verb} --stack-name app --template-body file://t.yaml{extra}",
        None,
        {f"{CWD}/t.yaml": TEMPLATE},
    )
    _held(action)
    assert "cfn:app/*" in _unknown(action)
    assert "cfn:app/Hook" not in _unknown(action)  # the template was not read


@pytest.mark.parametrize("call", ["CreateStack", "UpdateStack", "CreateChangeSet"])
def test_a_template_bomb_in_an_api_call_is_not_read(call: str) -> None:
    params = {"StackName": "app", "TemplateBody": TEMPLATE, "ChangeSetName": "c"}
    action = understand_aws("cloudformation", call, params)
    _held(action)
    assert "cfn:app/*" in _unknown(action)
    assert "cfn:app/Hook" not in _unknown(action)


# -- Kubernetes -----------------------------------------------------------------------------


def _nested_lists() -> str:
    """A ``kind: List`` whose items are Lists of Lists ... of one ConfigMap: 9**8 objects."""
    lines = ["x:", "  l0: &l0 {kind: ConfigMap, metadata: {name: cm}}"]
    lines += [
        f"  l{i}: &l{i} {{kind: List, items: [{', '.join([f'*l{i - 1}'] * 9)}]}}"
        for i in range(1, LEVELS)
    ]
    return "\n".join(lines) + f"\nkind: List\nitems: [*l{LEVELS - 1}]\n"


@pytest.mark.parametrize("verb", ["apply", "create", "replace", "delete"])
def test_a_manifest_bomb_is_not_read(verb: str) -> None:
    action = understood_line(f"kubectl {verb} -f m.yaml", None, {f"{CWD}/m.yaml": _nested_lists()})
    _held(action)
    assert "k8s:default/configmap/cm" not in {n for _, names, _ in shown(action) for n in names}


def test_a_patch_bomb_may_take_off_any_protection() -> None:
    patch = "{" + ", ".join(line.strip() for line in bomb().splitlines()) + "}"
    action = understood_line(f"kubectl patch pvc data -p '{patch}'", None)
    assert any(e.removes_protection for e in action.effects), shown(action)
    assert decision_of(action, protecting()) != ALLOW


def test_a_manifest_bomb_through_the_kubernetes_mcp_server_is_not_read() -> None:
    manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n" + bomb("  ")
    arguments = {"resource": manifest, "namespace": "dev"}
    action = understood_call("kubernetes", "resources_create_or_update", arguments, None)
    _held(action)
    assert "k8s:dev/configmap/cm" not in _unknown(action)
    assert any("refused" in e.detail and "aliases" in e.detail for e in action.effects), shown(
        action
    )


# -- Docker Compose -------------------------------------------------------------------------


def test_a_compose_file_bomb_is_not_read() -> None:
    compose = (
        "x-env:\n" + bomb("  ") + f"services:\n  web:\n    image: nginx\n    environment: {TOP}\n"
    )
    action = understood_line("docker compose up -d", None, {f"{CWD}/compose.yaml": compose})
    _held(action)
    assert any("compose" in e.detail and "YAML" in e.detail for e in action.effects)


# -- the loader itself ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        bomb(),
        "a: &a [*a]\n",  # holds itself: a walk of it never ends
        "a: &a {b: [1, *a]}\n",
        "[" * 300 + "]" * 300,  # deeper than any walk recurses
        "a: &a " + "[" * 150 + "]" * 150 + "\nb: " + "[" * 60 + "*a" + "]" * 60 + "\n",
    ],
    ids=["billion-laughs", "self", "self-in-mapping", "deep", "deep-through-an-alias"],
)
def test_the_loader_refuses_what_a_walk_cannot_finish(text: str) -> None:
    from keyturn.yaml_limits import RefusedYaml, load, load_all

    for loader in (yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        with pytest.raises(RefusedYaml):
            load(text, loader)
        with pytest.raises(yaml.YAMLError):  # what every reader already catches
            list(load_all(text, loader))


def test_the_loader_reads_real_documents_as_pyyaml_does() -> None:
    from keyturn.yaml_limits import load, load_all

    shared = "x-base: &base {image: nginx, restart: always, labels: [a, b]}\nservices:\n" + "".join(
        f"  s{i}: {{<<: *base, command: [run, '{i}']}}\n" for i in range(200)
    )
    fast = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    assert load(shared) == load(shared, fast) == yaml.safe_load(shared)
    # Documents are read as they are asked for: the first without the bomb after it.
    assert next(load_all("---\nkind: Config\n---\n" + bomb())) == {"kind": "Config"}


def test_only_what_aliases_add_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    from keyturn import yaml_limits

    monkeypatch.setattr(yaml_limits, "MAX_ALIASED_NODES", 10)
    # Written out in full, a document is not refused for its size (each reader bounds its text).
    written = "items:\n" + "".join(f"- {{name: n{i}, value: [{i}, {i}]}}\n" for i in range(100))
    assert len(yaml_limits.load(written)["items"]) == 100
    # An alias adds the 8 nodes it repeats (a mapping, two keys, a value, a list and its three
    # items): once is within the 10, twice is past them.
    again = "a: &a {b: 1, c: [1, 2, 3]}\nx: *a\n"
    assert yaml_limits.load(again)["x"] == {"b": 1, "c": [1, 2, 3]}
    with pytest.raises(yaml_limits.RefusedYaml):
        yaml_limits.load(again + "y: *a\n")
