"""Platform and server command lines the red team found judged looser than they are
(findings/clouds.md 1, 2, 8, 10, 13), judged for agent ``kiro`` acting for ``bob`` under the
BRIEF policy with ``/srv/prod`` protected:

1. a call to a platform or a server that is not on AWS (Heroku, Supabase, Neon, Fly, Vault,
   Nomad, Consul, etcd, Argo CD...) took the shell's ``AWS_PROFILE=dev`` as its environment, so
   a production delete was allowed;
2. ``etcdctl watch KEY -- CMD`` runs CMD on every change of the key, and was judged a read;
8. a form of vault/etcdctl/nomad/consul/argocd keyturn does not understand was an unknown
   placed by the AWS hint (asked in dev) and named by nothing a ``protected`` pattern holds;
10. a cascading ``argocd app delete`` (and a sync with ``--prune``) deletes the app's
    Kubernetes objects, and named none of them;
13. passwords and tokens given in these tools' own options were stored in clear.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from tests.adversarial.conftest import ACTOR, CWD, HOME, assert_kept_out
from tests.conftest import BRIEF_POLICY, brief_protecting

from keyturn.audit.redaction import Redactor
from keyturn.gate import Gate
from keyturn.localfiles import LocalFiles
from keyturn.model import Action, ActionKind, Decision, EffectKind, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.payload import understand_payload
from keyturn.understand.shell import understand_shell
from keyturn.understand.shell.commands._kube_call import UNTOLD_ENVIRONMENT

ALLOW, ASK, DENY = "allow", "ask", "deny"
_DEV_CONTEXTS = '    kube_contexts: ["kind-*", "dev-*"]\n'
DEV = {"AWS_PROFILE": "dev"}
# The servers named by host names that say nothing of the environment (finding 1's probe3).
SERVERS = {
    "VAULT_ADDR": "https://vault.acme.internal:8200",
    "NOMAD_ADDR": "https://nomad.acme.internal:4646",
    "CONSUL_HTTP_ADDR": "consul.acme.internal:8500",
    "ETCDCTL_ENDPOINTS": "https://10.0.0.5:2379",
    "ARGOCD_SERVER": "argocd.acme.internal",
}


def _policy_text(*, dev_names: bool = False) -> str:
    assert _DEV_CONTEXTS in BRIEF_POLICY
    text = brief_protecting("file:/srv/prod", "file:/srv/prod/**")
    if dev_names:
        text = text.replace(_DEV_CONTEXTS, _DEV_CONTEXTS + '    resources: ["*development*"]\n')
    return text


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(_policy_text(), source="brief.yaml")


def _action(command: str, variables: Mapping[str, str], env: str | None) -> Action:
    return understand_shell(
        command,
        cwd=CWD,
        home=HOME,
        env={"HOME": HOME, **variables},
        target=Target(environment=env),
        files=MemoryFiles({}),
    )


def _judge(
    policy: Policy,
    command: str,
    variables: Mapping[str, str] = DEV,
    env: str | None = None,
) -> Decision:
    return policy.judge(_action(command, variables, env), actor=ACTOR)


def _shown(decision: Decision) -> list[tuple[str, tuple[str, ...], str]]:
    return [
        (j.effect.effect.value, j.effect.resource.names, j.environment) for j in decision.judgements
    ]


# -- 1. the shell's AWS profile does not place a call to another platform ----------------------

# Each deletes a production database, secret store, app or cluster state; the real tools were
# read from their docs (Heroku, Supabase, Neon, PlanetScale, Fly, DigitalOcean, Firebase,
# Vercel, Cloudflare, Railway, Netlify, Turso, Vault, Nomad, Consul, Argo CD) and etcd 3.4.23
# was run on loopback (``etcdctl del --prefix ""``: every key gone).
PLATFORM_DELETES = [
    ("heroku-apps-destroy", "heroku apps:destroy --app web --confirm web"),
    ("supabase-db-reset-linked", "supabase db reset --linked"),
    ("supabase-projects-delete", "supabase projects delete abc"),
    ("neonctl-projects-delete", "neonctl projects delete abc"),
    ("pscale-database-delete", "pscale database delete db --force"),
    ("fly-apps-destroy", "fly apps destroy web -y"),
    ("doctl-databases-delete", "doctl databases delete 1234 --force"),
    ("firebase-firestore-delete", "firebase firestore:delete --all-collections -f"),
    ("vercel-remove", "vercel remove web --yes"),
    ("wrangler-d1-remote-drop", 'wrangler d1 execute db --command "DROP TABLE users" --remote'),
    ("railway-down", "railway down -y"),
    ("netlify-sites-delete", "netlify sites:delete abc --force"),
    ("turso-db-destroy", "turso db destroy x"),
    ("heroku-pg-psql-drop", 'heroku pg:psql -a web -c "DROP TABLE users"'),
    ("turso-shell-drop", 'turso db shell db "DROP TABLE x"'),
    ("pscale-shell-drop", 'echo "DROP TABLE x" | pscale shell db main'),
    ("vault-secrets-disable", "vault secrets disable secret/"),
    ("nomad-job-stop-purge", "nomad job stop -purge web"),
    ("consul-kv-delete-recurse", 'consul kv delete -recurse ""'),
    ("etcdctl-del-prefix", 'etcdctl del --prefix ""'),
    ("argocd-app-delete-no-cascade", "argocd app delete payments --cascade=false -y"),
    ("rabbitmqadmin-delete-queue", "rabbitmqadmin delete queue name=q"),
    ("nats-stream-rm", "nats stream rm ORDERS -f"),
    ("influx-bucket-delete", "influx bucket delete -n b"),
    # Commands run on the platform's machines run with their variables, not this shell's.
    ("fly-ssh-console-command", 'fly ssh console -a web -C "rm -rf /data"'),
    ("heroku-run-on-a-dyno", 'heroku run "rm -rf /app/data" -a web'),
    ("railway-ssh", "railway ssh rm -rf /data"),
    ("nomad-alloc-exec", "nomad alloc exec abc rm -rf /data"),
]


@pytest.mark.parametrize("variables", [DEV, {**DEV, **SERVERS}], ids=["dev-profile", "servers"])
@pytest.mark.parametrize(
    ("case", "command"), PLATFORM_DELETES, ids=[c for c, _ in PLATFORM_DELETES]
)
def test_an_aws_profile_does_not_make_a_platform_delete_a_dev_one(
    policy: Policy, case: str, command: str, variables: Mapping[str, str]
) -> None:
    """Was: allowed, every change placed in ``dev`` by ``AWS_PROFILE=dev`` (finding 1, also
    with the servers named by hosts without ``prod``). Now the environment is not told: the
    policy's unknown_environment (production), a delete held for two approvals, as without
    the hint."""
    judged = _judge(policy, command, variables)
    assert judged.decision.value == ASK, (case, _shown(judged))
    without_hint = _judge(policy, command, {})
    assert without_hint.decision.value == ASK, (case, _shown(without_hint))
    changes = [j for j in judged.judgements if j.effect.effect is not EffectKind.READ]
    assert changes and all(j.environment == "production" for j in changes), _shown(judged)


@pytest.mark.parametrize(
    "command",
    ["heroku apps:destroy --app web --confirm web", "vault secrets disable secret/",
     'etcdctl del --prefix ""', "nomad job stop -purge web", "supabase db reset --linked"],
)  # fmt: skip
def test_an_environment_given_outright_still_places_the_call(policy: Policy, command: str) -> None:
    """``--env dev`` (an environment given outright) still decides: dev, allowed -- only the
    AWS hints no longer count."""
    assert _judge(policy, command, DEV, env="dev").decision.value == ALLOW


def test_without_hints_the_server_name_still_tells_the_environment() -> None:
    """With no hint on the line, a server's name matched by the policy's ``resources`` tells the
    environment, as before: ``vault.development.acme`` is dev."""
    dev_names = load_policy(_policy_text(dev_names=True), source="brief.yaml")
    command = "vault -address=https://vault.development.acme:8200 secrets disable secret/"
    judged = _judge(dev_names, command, {})
    assert judged.decision.value == ALLOW, _shown(judged)


def test_the_effects_name_no_aws_hint_and_an_untold_environment() -> None:
    """The effects carry the untold environment (the judge does not fill the action's AWS
    hints into them), as gcloud's and kubectl's do."""
    for command in ("heroku apps:destroy --app web --confirm web", 'etcdctl del --prefix ""'):
        action = _action(command, DEV, None)
        assert {e.target for e in action.effects} == {Target(environment=UNTOLD_ENVIRONMENT)}


@pytest.mark.parametrize(
    ("command", "here"),
    [("supabase db reset", "db:supabase/local"),
     ("railway run rm -rf ./build", "file:/home/kiro/project/build"),
     ('wrangler d1 execute db --command "DROP TABLE users"', "db:sqlite/db/users")],
)  # fmt: skip
def test_what_runs_here_keeps_this_machines_place(command: str, here: str) -> None:
    """The local stack (``supabase db reset`` without ``--linked``), a command ``railway run``
    runs here and wrangler's local development copy are this machine's: not moved to the
    untold environment (they land as any local command does)."""
    effects = [e for e in _action(command, DEV, None).effects if here in e.resource.names]
    assert effects and all(e.target.environment is None for e in effects), here


# -- 2. etcdctl watch KEY -- CMD runs CMD --------------------------------------------------------

# etcdctl v3's ``watch [key] [range_end] [--] [exec-command arg...]`` runs the command on every
# event (etcd commit 904513fa; ``parseWatchArgs`` takes the words after the first ``--``).
# Confirmed with Debian's etcd 3.4.23 on loopback: the watch in the background, then ``etcdctl
# put k v``, and the directory was removed.
WATCH_RUNS = [
    ("sh-c", "etcdctl watch k -- sh -c 'rm -rf /srv/prod'"),
    ("plain", "etcdctl watch k -- rm -rf /srv/prod"),
    ("prefix", "etcdctl watch --prefix k -- sh -c 'rm -rf /srv/prod'"),
    ("range-end", "etcdctl watch a z -- rm -rf /srv/prod"),
    ("fired-by-a-put", "etcdctl watch k -- sh -c 'rm -rf /srv/prod' & etcdctl put k v"),
    ("key-from-environment", "ETCDCTL_WATCH_KEY=k etcdctl watch -- rm -rf /srv/prod"),
    ("self-protection", "etcdctl watch --prefix k -- sh -c 'rm -rf ~/.claude'"),
    (
        "global-options-first",
        "etcdctl --endpoints=https://10.0.0.5:2379 watch k -- rm -rf /srv/prod",
    ),
]


@pytest.mark.parametrize(("case", "command"), WATCH_RUNS, ids=[c for c, _ in WATCH_RUNS])
def test_the_command_an_etcd_watch_runs_is_judged(policy: Policy, case: str, command: str) -> None:
    """Was: allowed, a read of ``etcd:*`` (the command's words taken as a range end). Now the
    command is judged as the line it is: the delete of a protected path is refused."""
    judged = _judge(policy, command)
    assert judged.decision.value == DENY, (case, _shown(judged))


def test_a_watch_still_reads_its_key_and_a_harmless_command_is_allowed(policy: Policy) -> None:
    judged = _judge(policy, "etcdctl watch k -- echo changed", env="production")
    assert judged.decision.value == ALLOW
    assert ("read", ("etcd:k",), "production") in _shown(judged)


@pytest.mark.parametrize(
    "command", ["etcdctl watch -i", "etcdctl watch a b rm -rf /srv/prod"]
)  # fmt: skip
def test_an_interactive_or_misread_watch_is_not_a_read(policy: Policy, command: str) -> None:
    """``watch -i`` reads its watches (and their commands) on the input; more than a key and a
    range end without ``--`` is refused by etcdctl: neither is taken for a plain read."""
    action = _action(command, DEV, None)
    assert [e.effect for e in action.effects] == [EffectKind.UNKNOWN]


# -- 8. forms not understood are held where the server is --------------------------------------

NOT_UNDERSTOOD = [
    ("vault-operator-unseal", "vault operator unseal", "vault:*"),
    ("vault-operator-raft-restore", "vault operator raft snapshot restore s.snap", "vault:*"),
    ("nomad-acl-bootstrap", "nomad acl bootstrap", "nomad:*"),
    ("consul-acl-token-delete", "consul acl token delete -id abc", "consul:*"),
    ("etcdctl-alarm-disarm", "etcdctl alarm disarm", "etcd:*"),
    ("argocd-admin-export", "argocd admin export", "argocd:*"),
    ("argocd-app-actions-run", "argocd app actions run shop restart", "argocd:*"),
    ("argocd-unknown-noun", "argocd gpg rm ABC", "argocd:*"),
]


@pytest.mark.parametrize(
    ("case", "command", "name"), NOT_UNDERSTOOD, ids=[c for c, _, _ in NOT_UNDERSTOOD]
)
def test_a_form_not_understood_is_held_where_the_server_is(
    policy: Policy, case: str, command: str, name: str
) -> None:
    """Was: the dispatcher's generic unknown, placed in dev by ``AWS_PROFILE=dev`` (asked) and
    named only ``shell:…``. Now: an unknown on everything the server holds (``vault:*``, and
    by server), not told where: refused, as an unknown in production is; asked where an
    environment is given outright."""
    judged = _judge(policy, command, {**DEV, **SERVERS})
    assert judged.decision.value == DENY, (case, _shown(judged))
    (effect,) = [j.effect for j in judged.judgements]
    assert effect.effect is EffectKind.UNKNOWN and name in effect.resource.names
    assert len(effect.resource.names) > 1  # and by the server named in the environment
    assert _judge(policy, command, DEV, env="dev").decision.value == ASK


@pytest.mark.parametrize(
    "command",
    ["nomad exec abc rm -rf /srv/prod", "nomad alloc exec -job web rm -rf /srv/prod"],
)
def test_nomad_exec_is_the_command_it_runs(policy: Policy, command: str) -> None:
    """``nomad exec`` is ``nomad alloc exec``'s alias (Nomad's command reference: "Alias:
    nomad exec"): the command is judged, named in the allocation (or the job of ``-job``)."""
    judged = _judge(policy, command)
    assert judged.decision.value == DENY, _shown(judged)
    names = {n for j in judged.judgements for n in j.effect.resource.names}
    assert names & {"nomad:alloc/abc/file:/srv/prod", "nomad:job/web/file:/srv/prod"}


# -- 10. argocd names the Kubernetes objects its deletes reach ------------------------------------


@pytest.mark.parametrize(
    "command",
    ["argocd app delete payments -y", "argocd app delete payments --cascade -y",
     "argocd app sync payments --prune", "argocd app sync payments --force",
     "argocd appset delete all-apps"],
)  # fmt: skip
def test_a_cascading_argocd_delete_reaches_kubernetes_objects(policy: Policy, command: str) -> None:
    """Was: allowed in dev, named only ``argocd:app/payments/*``. A cascading delete (the
    default; Argo CD docs, "App Deletion") removes every object the app deployed -- the
    ``payments`` namespace a protection holds may be one; which ones is on the server. Now
    also an unknown effect on ``k8s:*``: asked in dev, refused where the environment is not
    told."""
    assert _judge(policy, command, {}, env="dev").decision.value == ASK
    judged = _judge(policy, command)
    assert judged.decision.value == DENY, _shown(judged)
    assert ("unknown", ("k8s:*",), "production") in _shown(judged)


def test_a_non_cascading_delete_leaves_the_objects(policy: Policy) -> None:
    command = "argocd app delete payments --cascade=false -y"
    assert _judge(policy, command, {}, env="dev").decision.value == ALLOW


@pytest.mark.parametrize(
    ("command", "names"),
    [("argocd app delete-resource shop --kind Namespace --resource-name payments",
      ("k8s:namespace/payments", "k8s:payments/*")),
     ("argocd app delete-resource shop --kind Deployment --resource-name web --namespace payments",
      ("k8s:payments/deployment/web",))],
)  # fmt: skip
def test_delete_resource_names_the_object_as_kubectl_does(
    policy: Policy, command: str, names: tuple[str, ...]
) -> None:
    """``app delete-resource --kind --resource-name --namespace`` (Argo CD command reference)
    deletes that object: named as kubectl names it, a protected namespace holds even in dev."""
    judged = _judge(policy, command, {}, env="dev")
    assert ("delete", names, "dev") in _shown(judged)
    if names[0] == "k8s:namespace/payments":
        assert judged.decision.value == DENY


# -- 13. secrets in these tools' own options are in no record --------------------------------------


def _shell(line: str) -> dict[str, Any]:
    return {"command": line, "cwd": "/srv/app", "home": "/home/kiro"}


SECRET = "S3cr3tV4lue9"
# Each spelling is the tool's documented option for a password, a token or a secret value
# (AWS CLI shorthand syntax, Pulumi/az/vault/etcdctl/consul/nomad/vercel/supabase/ansible-vault
# command references).
SECRET_LINES = [
    ("cfn-shorthand-create",
     f"aws cloudformation create-stack --stack-name s --parameters "
     f"ParameterKey=DbPassword,ParameterValue={SECRET}"),
    ("cfn-shorthand-update-two-pairs",
     f"aws cloudformation update-stack --stack-name s --parameters "
     f"ParameterKey=DbPassword,ParameterValue={SECRET} ParameterKey=Env,ParameterValue=prod"),
    ("cfn-shorthand-value-first",
     f"aws cloudformation create-stack --stack-name s --parameters "
     f"ParameterValue={SECRET},ParameterKey=DbPassword"),
    ("ecs-shorthand-environment",
     f"aws ecs register-task-definition --family f --container-definitions "
     f"'name=web,image=nginx,environment=[{{name=DB_PASSWORD,value={SECRET}}}]'"),
    ("pulumi-config-set-secret", f"pulumi config set --secret dbPassword {SECRET}"),
    ("pulumi-config-set-secret-any-key", f"pulumi config set --secret apiUrl {SECRET}"),
    # (held already, as any ``--secret VALUE`` option: kept beside its ``set`` twin)
    ("pulumi-config-set-all-secret", f"pulumi config set-all --secret apiUrl={SECRET}"),
    ("az-sql-server-create-p", f"az sql server create -n s -g g -u admin -p {SECRET}"),
    ("az-keyvault-secret-set", f"az keyvault secret set --vault-name v --name db --value {SECRET}"),
    ("vault-token-create-id", f"vault token create -id={SECRET}"),
    ("vault-token-create-id-apart", f"vault token create -id {SECRET}"),
    ("vault-operator-unseal", f"vault operator unseal {SECRET}"),
    ("vault-token-revoke", f"vault token revoke {SECRET}"),
    ("etcdctl-user", f"etcdctl --user root:{SECRET} get /x"),
    ("etcdctl-user-equals", f"etcdctl --user=root:{SECRET} get /x"),
    ("etcdctl-user-add", f"etcdctl user add bob:{SECRET}"),
    ("etcdctl-put-password-key", f"etcdctl put /db/password {SECRET}"),
    ("consul-token", f"consul acl token read -token {SECRET} -self"),
    ("consul-kv-put-password-key", f"consul kv put db/password {SECRET}"),
    ("nomad-token", f"nomad job run -token {SECRET} job.hcl"),
    ("vercel-t", f"vercel deploy -t {SECRET}"),
    ("vercel-t-equals", f"vercel deploy -t={SECRET}"),
    ("supabase-db-push-p", f"supabase db push -p {SECRET}"),
    ("supabase-link-p", f"supabase link --project-ref x -p {SECRET}"),
    ("ansible-vault-encrypt-string", f"ansible-vault encrypt_string {SECRET} --name db"),
]  # fmt: skip


@pytest.mark.parametrize("environment", [None, "dev"])
@pytest.mark.parametrize(("case", "line"), SECRET_LINES, ids=[c for c, _ in SECRET_LINES])
def test_the_secret_is_in_no_stored_or_shown_field(
    gate: Gate, case: str, line: str, environment: str | None
) -> None:
    """Was: recorded in clear (the summary, each effect's command, the subject's words). Now
    replaced by its fingerprint in every field stored or shown, as ``test_secret_gaps``
    checks its cases: the audit records, the request, the answer."""
    action = understand_payload(
        ActionKind.SHELL,
        _shell(line),
        environment=environment,
        mcp_mappings=gate.policy.mcp_mappings,
        files=LocalFiles(),
        env={},
        where="",
    )
    assert_kept_out(gate, action, SECRET, case=case)


@pytest.mark.parametrize(
    "line",
    ["aws ec2 create-tags --resources i-1 --tags Key=Name,Value=web",
     "aws cloudformation create-stack --stack-name s --parameters "
     "ParameterKey=Env,ParameterValue=prod",
     "pulumi config set region us-east-1",
     "az deployment group create -g g -f t.json -p params.json",
     "vault token revoke -accessor abcdef123456",
     "vault token capabilities secret/data/x",
     "etcdctl put /app/name web",
     "consul kv put app/name web"],
)  # fmt: skip
def test_what_is_no_secret_stays_in_sight(line: str) -> None:
    """The same options and pairs holding no secret are left as typed: a reviewer still reads
    the tag, the region, the parameters file, the accessor, the key's value."""
    action = understand_shell(line, cwd="/srv/app", home="/home/kiro", env={})
    assert Redactor(b"k" * 32).action(action)[1] == ()
