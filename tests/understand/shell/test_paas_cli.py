"""Platform (PaaS) command lines -> effects: railway, flyctl/fly, heroku, vercel, netlify,
doctl and wrangler."""

from __future__ import annotations

import json

import pytest
from tests.conftest import BRIEF_POLICY
from tests.understand.shell.conftest import JudgeBrief, protecting

from keyturn.model import Effect, EffectKind, Verdict
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

_E = EffectKind
RAILWAY_LINK = json.dumps(
    {
        "projects": {
            "/w/shop": {"projectPath": "/w/shop", "name": "shop", "environmentName": "production"}
        },
        "user": {"token": "not-read"},
    }
)
FILES = MemoryFiles(
    {
        "/home/u/.railway/config.json": RAILWAY_LINK,
        "/w/fly/fly.toml": 'app = "prod-api"\nprimary_region = "ord"\n',
        "/w/fly/deploy/staging.toml": 'app = "staging-api"\n',
        "/w/hk/.git/config": '[remote "heroku"]\n\turl = https://git.heroku.com/prod-shop.git\n',
        "/w/hk/cleanup.sql": "DELETE FROM sessions;",
        "/w/vc/.vercel/project.json": json.dumps({"projectId": "prj_1", "projectName": "shop"}),
        "/w/nl/.netlify/state.json": json.dumps({"siteId": "site-123"}),
        "/w/nl/netlify.toml": '[build]\ncommand = "rm -rf dist"\npublish = "dist"\n',
        "/w/cf/wrangler.toml": 'name = "api"\n[env.staging]\nname = "api-next"\n',
        "/w/cfj/wrangler.jsonc": '{\n  // the Worker\n  "name": "edge", "main": "src/i.ts"\n}\n',
        "/w/cf/schema.sql": "DROP TABLE users;",
    }
)


def _effects(command: str, cwd: str = "/w", **env: str) -> tuple[Effect, ...]:
    return understand_shell(command, cwd=cwd, home="/home/u", env=env, files=FILES).effects


def _meaning(command: str, cwd: str = "/w", **env: str) -> list[tuple[EffectKind, tuple[str, ...]]]:
    return [(e.effect, e.resource.names) for e in _effects(command, cwd, **env)]


@pytest.mark.parametrize(
    ("command", "kind", "names"),
    [
        ("railway status", _E.READ, ("railway:*/*",)),
        ("railway logs -s api", _E.READ, ("railway:*/*/service/api",)),
        ("railway up -s api -e staging", _E.UPDATE, ("railway:*/staging/service/api",)),
        ("railway redeploy --yes", _E.UPDATE, ("railway:*/*/service/*",)),
        ("railway down -s api", _E.DELETE, ("railway:*/*/service/api/deployment/latest",)),
        ("railway variables -s api", _E.READ, ("railway:*/*/service/api/variable/*",)),
        ("railway variable list", _E.READ, ("railway:*/*/service/*/variable/*",)),
        ("railway variable set A=1 -s api", _E.UPDATE, ("railway:*/*/service/api/variable/A",)),
        ("railway variables --set A=1", _E.UPDATE, ("railway:*/*/service/*/variable/A",)),
        ("railway variable delete A", _E.DELETE, ("railway:*/*/service/*/variable/A",)),
        ("railway volume list", _E.READ, ("railway:*/*/volume/*",)),
        ("railway volume add -m /data", _E.CREATE, ("railway:*/*/volume/*",)),
        (
            "railway volume delete --volume prod-data",
            _E.DELETE,
            ("railway:*/*/volume/prod-data",),
        ),
        ("railway volume rm -v data -e dev", _E.DELETE, ("railway:*/dev/volume/data",)),
        ("railway volume update -v data -n data2", _E.UPDATE, ("railway:*/*/volume/data",)),
        (
            "railway volume detach -v data -s api",
            _E.UPDATE,
            ("railway:*/*/volume/data", "railway:*/*/service/api"),
        ),
        ("railway environment new qa", _E.CREATE, ("railway:*/qa",)),
        ("railway environment delete qa --yes", _E.DELETE, ("railway:*/qa", "railway:*/qa/*")),
        ("railway env", _E.UPDATE, ("file:/home/u/.railway/config.json",)),
        ("railway environment staging", _E.UPDATE, ("file:/home/u/.railway/config.json",)),
        ("railway link -p shop", _E.UPDATE, ("file:/home/u/.railway/config.json",)),
        (
            "railway service delete -s api -y",
            _E.DELETE,
            ("railway:*/*/service/api", "railway:*/*/service/api/*"),
        ),
        ("railway delete -p shop -y", _E.DELETE, ("railway:shop", "railway:shop/*")),
        ("railway project delete", _E.DELETE, ("railway:*", "railway:*/*")),
        (
            "railway domain api.example.com",
            _E.CREATE,
            ("railway:*/*/service/*/domain/api.example.com",),
        ),
        ("railway connect postgres", _E.UNKNOWN, ("railway:*/*/service/postgres",)),
        ("railway list", _E.READ, ("railway:*",)),
        ("flyctl status -a prod-app", _E.READ, ("fly:prod-app",)),
        ("fly logs --app prod-app", _E.READ, ("fly:prod-app",)),
        ("fly apps list", _E.READ, ("fly:*",)),
        ("fly apps create new-app", _E.CREATE, ("fly:new-app",)),
        ("flyctl apps destroy prod-app -y", _E.DELETE, ("fly:prod-app", "fly:prod-app/*")),
        ("fly destroy old-app --yes", _E.DELETE, ("fly:old-app", "fly:old-app/*")),
        ("fly deploy -a prod-app --strategy rolling", _E.UPDATE, ("fly:prod-app",)),
        ("fly scale count 0 -a prod-app", _E.UPDATE, ("fly:prod-app/machine/*",)),
        ("fly machine list -a web", _E.READ, ("fly:web/machine/*",)),
        ("fly m destroy 1781 -a web --force", _E.DELETE, ("fly:web/machine/1781",)),
        ("fly machine stop 1781 -a web", _E.UPDATE, ("fly:web/machine/1781",)),
        ("fly volumes list -a web", _E.READ, ("fly:web/volume/*",)),
        ("fly volumes create data -a web --size 10", _E.CREATE, ("fly:web/volume/data",)),
        ("fly vol destroy vol_123 -a web -y", _E.DELETE, ("fly:web/volume/vol_123",)),
        ("fly volumes delete vol_123", _E.DELETE, ("fly:*/volume/vol_123",)),
        ("fly volumes extend vol_1 -s 20 -a web", _E.UPDATE, ("fly:web/volume/vol_1",)),
        ("fly secrets list -a web", _E.READ, ("fly:web/secret/*",)),
        ("fly secrets set TOKEN=x -a web", _E.UPDATE, ("fly:web/secret/TOKEN",)),
        ("fly secrets unset TOKEN -a web", _E.DELETE, ("fly:web/secret/TOKEN",)),
        ("fly pg connect -a db", _E.UNKNOWN, ("fly:db",)),
        ("fly postgres db list -a db", _E.READ, ("fly:db/database/*",)),
        (
            "fly certs remove www.example.com -a web",
            _E.DELETE,
            ("fly:web/certificate/www.example.com",),
        ),
        ("fly ips release 1.2.3.4 -a web", _E.DELETE, ("fly:web/ip/1.2.3.4",)),
        ("fly mpg destroy c1", _E.DELETE, ("fly:mpg/c1", "fly:mpg/c1/*")),
        ("heroku logs -a prod-app", _E.READ, ("heroku:prod-app",)),
        ("heroku apps", _E.READ, ("heroku:*",)),
        ("heroku apps:info -a prod-app", _E.READ, ("heroku:prod-app",)),
        ("heroku apps:create new-app", _E.CREATE, ("heroku:new-app",)),
        (
            "heroku apps:destroy -a prod-app --confirm prod-app",
            _E.DELETE,
            ("heroku:prod-app", "heroku:prod-app/*"),
        ),
        ("heroku apps destroy prod-app", _E.DELETE, ("heroku:prod-app", "heroku:prod-app/*")),
        ("heroku ps -a web", _E.READ, ("heroku:web/dyno/*",)),
        ("heroku ps:scale web=0 -a web", _E.UPDATE, ("heroku:web/dyno/web",)),
        ("heroku ps:stop web.1 -a web", _E.UPDATE, ("heroku:web/dyno/web.1",)),
        ("heroku ps:restart -a web", _E.UPDATE, ("heroku:web/dyno/*",)),
        ("heroku config -a web", _E.READ, ("heroku:web/config/*",)),
        ("heroku config:set A=1 -a web", _E.UPDATE, ("heroku:web/config/A",)),
        ("heroku config:unset A -a web", _E.DELETE, ("heroku:web/config/A",)),
        ("heroku pg:info -a web", _E.READ, ("heroku:web/addon/DATABASE_URL",)),
        (
            "heroku pg:info HEROKU_POSTGRESQL_RED -a web",
            _E.READ,
            ("heroku:web/addon/HEROKU_POSTGRESQL_RED_URL",),
        ),
        (
            "heroku pg postgresql-curly-123 -a web",
            _E.READ,
            ("heroku:web/addon/postgresql-curly-123",),
        ),
        (
            "heroku pg:reset DATABASE -a web --confirm web",
            _E.DELETE,
            ("heroku:web/addon/DATABASE_URL",),
        ),
        (
            "heroku pg:backups:restore b101 DATABASE_URL -a web",
            _E.REPLACE,
            ("heroku:web/addon/DATABASE_URL",),
        ),
        ("heroku pg:backups:capture -a web", _E.CREATE, ("heroku:web/backup/*",)),
        ("heroku pg:backups:delete b101 -a web", _E.DELETE, ("heroku:web/backup/b101",)),
        (
            "heroku addons:destroy heroku-redis -a web",
            _E.DELETE,
            ("heroku:web/addon/heroku-redis",),
        ),
        ("heroku releases:rollback v12 -a web", _E.UPDATE, ("heroku:web",)),
        ("heroku domains:remove www.x.com -a web", _E.DELETE, ("heroku:web/domain/www.x.com",)),
        ("heroku maintenance:on -a web", _E.UPDATE, ("heroku:web",)),
        ("vercel ls", _E.READ, ("vercel:project/*/*",)),
        ("vercel list shop", _E.READ, ("vercel:project/shop/*",)),
        ("vercel inspect shop-abc.vercel.app", _E.READ, ("vercel:deployment/shop-abc.vercel.app",)),
        ("vercel", _E.CREATE, ("vercel:project/*/preview",)),
        ("vercel deploy", _E.CREATE, ("vercel:project/*/preview",)),
        ("vercel --prod", _E.UPDATE, ("vercel:project/*/production",)),
        ("vercel deploy --target=staging", _E.UPDATE, ("vercel:project/*/staging",)),
        ("vercel ./dist --prod --yes", _E.UPDATE, ("vercel:project/*/production",)),
        (
            "vercel rm https://shop-abc.vercel.app",
            _E.DELETE,
            ("vercel:deployment/shop-abc.vercel.app",),
        ),
        ("vercel remove shop --yes", _E.DELETE, ("vercel:project/shop", "vercel:project/shop/*")),
        ("vercel rm shop --safe", _E.DELETE, ("vercel:project/shop/*",)),
        ("vercel project rm shop", _E.DELETE, ("vercel:project/shop", "vercel:project/shop/*")),
        ("vercel env ls production", _E.READ, ("vercel:project/*/env/production/*",)),
        ("vercel env add TOKEN preview", _E.CREATE, ("vercel:project/*/env/preview/TOKEN",)),
        (
            "vercel env rm TOKEN production -y",
            _E.DELETE,
            ("vercel:project/*/env/production/TOKEN",),
        ),
        ("vercel domains rm example.com", _E.DELETE, ("vercel:domain/example.com",)),
        ("vercel alias rm www.example.com", _E.DELETE, ("vercel:alias/www.example.com",)),
        (
            "vercel alias set a.vercel.app www.example.com",
            _E.UPDATE,
            ("vercel:alias/www.example.com",),
        ),
        ("vercel rollback", _E.UPDATE, ("vercel:project/*/production",)),
        (
            "vercel promote https://shop-x.vercel.app",
            _E.UPDATE,
            ("vercel:project/*/production", "vercel:deployment/shop-x.vercel.app"),
        ),
        ("netlify status", _E.READ, ("netlify:site/*",)),
        ("netlify sites:list", _E.READ, ("netlify:site/*",)),
        ("netlify sites:delete abc", _E.DELETE, ("netlify:site/abc", "netlify:site/abc/*")),
        ("netlify sites delete -f abc", _E.DELETE, ("netlify:site/abc", "netlify:site/abc/*")),
        ("netlify deploy --prod --no-build --site s1", _E.UPDATE, ("netlify:site/s1/production",)),
        ("netlify deploy -s s1 --no-build", _E.CREATE, ("netlify:site/s1/deploy/draft",)),
        ("netlify deploy --alias beta --trigger", _E.CREATE, ("netlify:site/*/deploy/beta",)),
        ("netlify env:list", _E.READ, ("netlify:site/*/env/*",)),
        (
            "netlify env:set KEY v --context production",
            _E.UPDATE,
            ("netlify:site/*/env/production/KEY",),
        ),
        ("netlify env:unset KEY", _E.DELETE, ("netlify:site/*/env/*/KEY",)),
        ("netlify env:import .env --replace-existing", _E.REPLACE, ("netlify:site/*/env/*",)),
        ("netlify functions:list", _E.READ, ("netlify:site/*/function/*",)),
        ("netlify blobs:delete uploads a.png", _E.DELETE, ("netlify:site/*/blobs/uploads/a.png",)),
        ("netlify link", _E.UPDATE, ("file:/w/.netlify/state.json",)),
        ("doctl compute droplet list", _E.READ, ("digitalocean:droplet/*",)),
        ("doctl compute droplet get web-1", _E.READ, ("digitalocean:droplet/web-1",)),
        (
            "doctl compute droplet create web-3 --size s-1vcpu-1gb",
            _E.CREATE,
            ("digitalocean:droplet/web-3",),
        ),
        ("doctl compute droplet delete web-1 --force", _E.DELETE, ("digitalocean:droplet/web-1",)),
        ("doctl compute d rm web-1", _E.DELETE, ("digitalocean:droplet/web-1",)),
        ("doctl compute droplet delete --tag-name web -f", _E.DELETE, ("digitalocean:droplet/*",)),
        ("doctl compute droplet-action power-off 123", _E.UPDATE, ("digitalocean:droplet/123",)),
        ("doctl compute volume delete vol-1", _E.DELETE, ("digitalocean:volume/vol-1",)),
        ("doctl databases list", _E.READ, ("digitalocean:database/*",)),
        (
            "doctl databases delete abc --force",
            _E.DELETE,
            ("digitalocean:database/abc", "digitalocean:database/abc/*"),
        ),
        ("doctl db d abc", _E.DELETE, ("digitalocean:database/abc", "digitalocean:database/abc/*")),
        (
            "doctl databases db delete abc appdb -f",
            _E.DELETE,
            ("digitalocean:database/abc/db/appdb",),
        ),
        ("doctl databases db list abc", _E.READ, ("digitalocean:database/abc/db/*",)),
        (
            "doctl kubernetes cluster delete k1",
            _E.DELETE,
            ("digitalocean:kubernetes/k1", "digitalocean:kubernetes/k1/*"),
        ),
        (
            "doctl k8s cluster node-pool delete k1 pool-a",
            _E.DELETE,
            ("digitalocean:kubernetes/k1/node-pool/pool-a",),
        ),
        ("doctl apps delete 6e0f", _E.DELETE, ("digitalocean:app/6e0f",)),
        ("doctl apps list", _E.READ, ("digitalocean:app/*",)),
        (
            "doctl --context prod compute droplet delete web",
            _E.DELETE,
            ("digitalocean:droplet/web", "digitalocean:prod/droplet/web"),
        ),
        (
            "doctl registry repository delete-tag app v1",
            _E.DELETE,
            ("digitalocean:registry/repository/app",),
        ),
        ("wrangler whoami", _E.READ, ("shell:wrangler",)),
        ("wrangler deploy --name api", _E.UPDATE, ("cloudflare:worker/api",)),
        (
            "wrangler deploy --name api --env production",
            _E.UPDATE,
            ("cloudflare:worker/api-production",),
        ),
        ("wrangler deploy --name api --dry-run", _E.READ, ("cloudflare:worker/api",)),
        ("wrangler delete api", _E.DELETE, ("cloudflare:worker/api", "cloudflare:worker/api/*")),
        ("wrangler tail api", _E.READ, ("cloudflare:worker/api",)),
        ("wrangler rollback --name api", _E.UPDATE, ("cloudflare:worker/api",)),
        (
            "wrangler secret put TOKEN --name api",
            _E.UPDATE,
            ("cloudflare:worker/api/secret/TOKEN",),
        ),
        (
            "wrangler secret delete TOKEN --name api",
            _E.DELETE,
            ("cloudflare:worker/api/secret/TOKEN",),
        ),
        ("wrangler d1 list", _E.READ, ("cloudflare:d1/*",)),
        (
            "wrangler d1 delete prod-db -y",
            _E.DELETE,
            (
                "cloudflare:d1/prod-db",
                "cloudflare:d1/prod-db/*",
                "db:sqlite/prod-db",
                "db:sqlite/prod-db/*",
            ),
        ),
        ("wrangler d1 time-travel restore db1", _E.REPLACE, ("cloudflare:d1/db1", "db:sqlite/db1")),
        (
            "wrangler r2 bucket delete assets",
            _E.DELETE,
            ("cloudflare:r2/assets", "cloudflare:r2/assets/*"),
        ),
        (
            "wrangler r2 object delete assets/img/a.png",
            _E.DELETE,
            ("cloudflare:r2/assets/img/a.png",),
        ),
        ("wrangler r2 object get assets/a.png", _E.READ, ("cloudflare:r2/assets/a.png",)),
        ("wrangler kv key delete k1 --namespace-id ns1", _E.DELETE, ("cloudflare:kv/ns1/k1",)),
        ("wrangler kv:key put k1 v --binding CACHE", _E.UPDATE, ("cloudflare:kv/CACHE/k1",)),
        (
            "wrangler kv namespace delete --namespace-id ns1",
            _E.DELETE,
            ("cloudflare:kv/ns1", "cloudflare:kv/ns1/*"),
        ),
        (
            "wrangler kv bulk delete keys.json --binding CACHE",
            _E.DELETE,
            ("cloudflare:kv/CACHE/*",),
        ),
        (
            "wrangler queues delete jobs",
            _E.DELETE,
            ("cloudflare:queue/jobs", "cloudflare:queue/jobs/*"),
        ),
        (
            "wrangler pages deploy dist --project-name site --branch main",
            _E.UPDATE,
            ("cloudflare:pages/site", "cloudflare:pages/site/main"),
        ),
    ],
)
def test_meanings(command: str, kind: EffectKind, names: tuple[str, ...]) -> None:
    assert _meaning(command) == [(kind, names)]


@pytest.mark.parametrize(
    ("command", "cwd", "env", "names"),
    [
        # railway: the linked project and environment of the nearest linked folder
        (
            "railway volume delete -v prod-data",
            "/w/shop/api",
            {},
            ("railway:shop/production/volume/prod-data",),
        ),
        ("railway status -e staging", "/w/shop", {}, ("railway:shop/staging",)),
        # a project token decides the project, not the link
        ("railway status", "/w/shop", {"RAILWAY_TOKEN": "t"}, ("railway:*/*",)),
        ("railway status", "/w/other", {}, ("railway:*/*",)),
        # fly: -a, FLY_APP, -c FILE, ./fly.toml
        ("fly status", "/w/fly", {}, ("fly:prod-api",)),
        ("fly status -c deploy/staging.toml", "/w/fly", {}, ("fly:staging-api",)),
        ("fly status", "/w/fly", {"FLY_APP": "other"}, ("fly:other",)),
        ("fly status -a given", "/w/fly", {"FLY_APP": "other"}, ("fly:given",)),
        # heroku: the git remote named heroku (or -r), HEROKU_APP
        ("heroku logs", "/w/hk", {}, ("heroku:prod-shop",)),
        ("heroku logs -r staging", "/w/hk", {}, ("heroku:*",)),
        ("heroku logs", "/w/hk", {"HEROKU_APP": "other"}, ("heroku:other",)),
        # vercel: .vercel/project.json, unless VERCEL_PROJECT_ID says another
        ("vercel --prod", "/w/vc", {}, ("vercel:project/shop/production",)),
        ("vercel --prod --cwd vc", "/w", {}, ("vercel:project/shop/production",)),
        (
            "vercel --prod",
            "/w/vc",
            {"VERCEL_PROJECT_ID": "prj_9"},
            ("vercel:project/*/production",),
        ),
        # netlify: .netlify/state.json, NETLIFY_SITE_ID
        ("netlify status", "/w/nl", {}, ("netlify:site/site-123",)),
        ("netlify status", "/w/nl", {"NETLIFY_SITE_ID": "s9"}, ("netlify:site/s9",)),
        # wrangler: the config file's name; an environment's own Worker
        ("wrangler deploy", "/w/cf", {}, ("cloudflare:worker/api",)),
        ("wrangler deploy -e production", "/w/cf", {}, ("cloudflare:worker/api-production",)),
        ("wrangler deploy --env staging", "/w/cf", {}, ("cloudflare:worker/api-next",)),
        ("wrangler deploy", "/w/cfj", {}, ("cloudflare:worker/edge",)),
        ("wrangler deploy", "/w", {}, ("cloudflare:worker/*",)),
    ],
)
def test_config_at_hand_names_the_target(
    command: str, cwd: str, env: dict[str, str], names: tuple[str, ...]
) -> None:
    (effect,) = _effects(command, cwd, **env)
    assert effect.resource.names == names


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("railway volume delete -v data --yes", "-y: no confirmation prompt"),
        ("railway volume delete -v data", "all its data"),
        ("railway down", "the service stops"),
        ("fly apps destroy web -y", "-y: no confirmation prompt"),
        ("fly machine destroy 1781 -a web --force", "killed first"),
        ("fly scale count 0 -a web", "disruptive"),
        ("fly scale count web=0 -a web", "disruptive"),
        ("fly vol destroy vol_1 -a web", "for good"),
        ("heroku apps:destroy -a web --confirm web", "--confirm web: no confirmation prompt"),
        ("heroku ps:scale web=0 -a web", "disruptive"),
        ("heroku pg:reset -a web", "all the data"),
        ("vercel rm shop --yes", "-y: no confirmation prompt"),
        ("vercel deploy", "production is unchanged"),
        ("netlify sites:delete abc --force", "--force: no confirmation prompt"),
        ("doctl databases delete abc --force", "-f: no confirmation prompt"),
        ("doctl kubernetes cluster delete k1 --dangerous", "--dangerous"),
        ("wrangler d1 delete db1 --skip-confirmation", "-y: no confirmation prompt"),
    ],
)
def test_details_say_what_is_at_stake(command: str, words: str) -> None:
    details = " | ".join(e.detail for e in _effects(command))
    assert words in details, details


def test_scaling_to_a_count_is_not_called_disruptive() -> None:
    (effect,) = _effects("fly scale count 10 -a web")
    assert "disruptive" not in effect.detail and "10" in effect.detail


def test_a_dangerous_cluster_delete_reaches_every_volume() -> None:
    (effect,) = _effects("doctl kubernetes cluster delete k1 --dangerous")
    assert "digitalocean:volume/*" in effect.resource.names
    (plain,) = _effects("doctl kubernetes cluster delete k1")
    assert "digitalocean:volume/*" not in plain.resource.names


def test_each_object_is_an_effect_of_its_own() -> None:
    assert _meaning("fly secrets unset A B -a web") == [
        (_E.DELETE, ("fly:web/secret/A",)),
        (_E.DELETE, ("fly:web/secret/B",)),
    ]
    assert [e.resource.names for e in _effects("heroku ps:scale web=0 worker=2 -a w")] == [
        ("heroku:w/dyno/web",),
        ("heroku:w/dyno/worker",),
    ]
    kinds = [e.effect for e in _effects("netlify env:set K v --context production --context dev")]
    assert kinds == [_E.UPDATE, _E.UPDATE]


@pytest.mark.parametrize(
    "command",
    [
        'railway volume delete --volume "$V"',
        'fly apps destroy "$APP" -y',
        'heroku apps:destroy -a "$APP"',
        'vercel project rm "$P"',
        'doctl compute droplet delete "$ID"',
        'wrangler r2 bucket delete "$B"',
    ],
)
def test_a_name_decided_at_run_time_makes_a_change_unknown(command: str) -> None:
    (effect,) = _effects(command)
    assert effect.effect is _E.UNKNOWN and "run time" in effect.detail


def test_reads_of_a_run_time_name_stay_reads() -> None:
    (effect,) = _effects('fly status -a "$APP"')
    assert effect.effect is _E.READ


def test_railway_run_judges_the_local_command() -> None:
    found = _effects("railway run -s api -- rm -rf ~")
    assert (found[0].effect, found[0].resource.names) == (
        _E.READ,
        ("railway:*/*/service/api/variable/*",),
    )
    assert any(e.catastrophic for e in found[1:])
    assert _meaning("railway run -e production psql -c 'drop table users'")[1] == (
        _E.DELETE,
        ("db:postgres/*/users",),
    )


def test_commands_run_on_the_platform_are_judged_and_named_there() -> None:
    (fly,) = _effects("fly ssh console -a web -C 'rm -rf /data'")
    assert fly.effect is _E.DELETE
    assert "fly:web/machine/*/file:/data" in fly.resource.names
    (machine,) = _effects("fly machine exec 1781 'ls /data' -a web")
    assert machine.effect is _E.READ
    assert "fly:web/machine/1781/file:/data" in machine.resource.names
    (ssh,) = _effects("railway ssh -s api cat /data/x")
    assert "railway:*/*/service/api/file:/data/x" in ssh.resource.names
    (dyno,) = _effects("heroku run -a web -- rm -rf /app/tmp")
    assert dyno.effect is _E.DELETE
    assert "heroku:web/dyno/run/file:/app/tmp" in dyno.resource.names
    (rails,) = _effects("heroku run rake db:drop --app web")
    assert rails.effect is _E.DELETE and "one-off dyno of heroku:web" in rails.detail
    assert "heroku:web/dyno/run/db:rails/*" in rails.resource.names
    (mystery,) = _effects("heroku run frobnicate --all --app web")
    assert mystery.effect is _E.UNKNOWN
    assert mystery.resource.names[-1] == "heroku:web/dyno/run/shell:frobnicate --all"


def test_sql_through_the_platform_is_judged() -> None:
    (drop,) = _effects("heroku pg:psql -a prod-shop -c 'DROP TABLE users'")
    assert drop.effect is _E.DELETE
    assert drop.resource.names == (
        "db:postgres/*/users",
        "db:postgres/*/users@heroku:prod-shop/addon/DATABASE_URL",
    )
    (from_file,) = _effects("heroku pg:psql -f cleanup.sql", "/w/hk")
    assert from_file.effect is _E.DELETE and from_file.resource.name == "db:postgres/*/sessions"
    (read,) = _effects("wrangler d1 execute prod-db --remote --command 'SELECT * FROM users'")
    assert read.effect is _E.READ and read.resource.name.startswith("db:sqlite/prod-db")
    assert "local" not in read.detail
    (local,) = _effects("wrangler d1 execute db1 --file schema.sql", "/w/cf")
    assert local.effect is _E.DELETE and "local development copy" in local.detail


@pytest.mark.parametrize(
    "command",
    [
        "heroku pg:psql -a web",
        'heroku pg:psql -a web -c "$Q"',
        "heroku pg:psql -a web -f missing.sql",
        'wrangler d1 execute db1 --command "$Q"',
        "wrangler d1 execute db1 --file missing.sql",
        "wrangler d1 migrations apply db1 --remote",
        "railway connect",
        "fly mpg connect c1",
    ],
)
def test_sql_not_at_hand_is_unknown_and_names_the_database(command: str) -> None:
    (effect,) = _effects(command)
    assert effect.effect is _E.UNKNOWN
    assert not effect.resource.name.startswith("shell:"), effect.resource.names


def test_a_netlify_deploy_judges_the_build_it_runs_first() -> None:
    deploy, build = _effects("netlify deploy --prod", "/w/nl")
    assert (deploy.effect, deploy.resource.names) == (
        _E.UPDATE,
        ("netlify:site/site-123/production",),
    )
    assert (build.effect, build.resource.name) == (_E.DELETE, "file:/w/nl/dist")
    _, unknown_build = _effects("netlify deploy --prod --site s1")
    assert unknown_build.effect is _E.UNKNOWN and "build command" in unknown_build.detail


def test_pulling_variables_writes_them_here() -> None:
    assert _meaning("vercel env pull .env.prod --environment production") == [
        (_E.READ, ("vercel:project/*/env/production/*",)),
        (_E.UPDATE, ("file:/w/.env.prod",)),
    ]


@pytest.mark.parametrize(
    "command",
    [
        "railway",
        "railway frob",
        "railway volume frob",
        "railway volume browse",
        "railway shell",
        "railway run",
        "railway variable set",
        "railway service a b",
        "fly",
        "fly frob",
        "fly machine frob 1",
        "fly ssh console -a web",
        "fly sftp shell",
        "fly proxy 5432 -a db",
        "fly version upgrade",
        "fly secrets set",
        "heroku",
        "heroku frob",
        "heroku run",
        "heroku pg:push local remote",
        "heroku ps:scale",
        "vercel frob",
        "vercel dev",
        "vercel build",
        "vercel env run -- node x.js",
        "netlify",
        "netlify frob",
        "netlify dev",
        "netlify functions:invoke hello",
        "netlify api deleteSite",
        "netlify sites:delete",
        "doctl frob",
        "doctl compute droplet frob 1",
        "doctl compute ssh web",
        "doctl serverless deploy .",
        "wrangler",
        "wrangler frob",
        "wrangler dev",
        "wrangler r2 object delete nokey",
        "wrangler kv key delete",
    ],
)
def test_what_is_not_understood_is_unknown(command: str) -> None:
    effects = _effects(command)
    assert [e.effect for e in effects] == [_E.UNKNOWN], command
    assert not [e.detail for e in effects if "could not understand" in e.detail], command


@pytest.mark.parametrize(
    "command",
    [
        "railway --help",
        "railway -V",
        "railway whoami",
        "fly version",
        "flyctl --help",
        "heroku --version",
        "vercel --version",
        "netlify --help",
        "doctl version",
        "wrangler --version",
    ],
)
def test_help_and_versions_only_print(command: str) -> None:
    assert [(e.effect, e.resource.name) for e in _effects(command)] == [
        (_E.READ, f"shell:{command.split()[0]}")
    ]


PROTECT_VOLUME = protecting("railway:*/volume/prod-data")


@pytest.mark.parametrize(
    ("command", "cwd", "expected"),
    [
        ("railway volume delete --volume prod-data --yes", "/w", Verdict.DENY),
        ("railway volume delete --volume prod-data", "/w/shop", Verdict.DENY),
        ("railway volume rm -v prod-data -e staging", "/w", Verdict.DENY),
        # deleting what holds the volume deletes it too
        ("railway delete -p shop --yes", "/w", Verdict.DENY),
        ("railway environment delete production --yes", "/w", Verdict.DENY),
        ("railway volume delete --volume scratch", "/w", Verdict.ASK),
        ("railway volume detach --volume prod-data", "/w", Verdict.ASK),
        ("railway volume list", "/w", Verdict.ALLOW),
        ("railway status", "/w", Verdict.ALLOW),
        ("railway up", "/w", Verdict.ASK),
    ],
)
def test_a_protected_railway_volume(
    command: str, cwd: str, expected: Verdict, judge_brief: JudgeBrief
) -> None:
    assert PROTECT_VOLUME != BRIEF_POLICY
    decision = judge_brief(command, cwd=cwd, files=FILES, policy=PROTECT_VOLUME)
    assert decision.decision is expected, (command, decision.describe())


@pytest.mark.parametrize(
    ("policy", "command", "expected"),
    [
        (protecting("fly:prod-app/volume/*"), "fly apps destroy prod-app -y", Verdict.DENY),
        (
            protecting("fly:prod-app/volume/*"),
            "fly volumes destroy vol_1 -a prod-app",
            Verdict.DENY,
        ),
        (protecting("fly:prod-app/volume/*"), "fly volumes destroy vol_1 -a dev-app", Verdict.ASK),
        (protecting("fly:prod-app/volume/*"), "fly volumes extend vol_1 -a prod-app", Verdict.ASK),
        (
            protecting("heroku:*/addon/DATABASE_URL"),
            "heroku pg:reset -a prod-shop --confirm prod-shop",
            Verdict.DENY,
        ),
        (
            protecting("heroku:*/addon/DATABASE_URL"),
            "heroku pg:backups:restore b1 -a prod-shop",
            Verdict.DENY,
        ),
        (protecting("heroku:prod-shop/*"), "heroku apps:destroy -a prod-shop", Verdict.DENY),
        (protecting("vercel:project/shop"), "vercel rm shop --yes", Verdict.DENY),
        (protecting("vercel:project/shop"), "vercel project rm shop", Verdict.DENY),
        (protecting("vercel:project/shop"), "vercel rm shop-abc.vercel.app", Verdict.ASK),
        (
            protecting("netlify:site/site-123"),
            "netlify sites:delete site-123 --force",
            Verdict.DENY,
        ),
        (protecting("digitalocean:database/*"), "doctl databases delete abc --force", Verdict.DENY),
        (
            protecting("digitalocean:database/*"),
            "doctl databases db delete abc appdb",
            Verdict.DENY,
        ),
        (
            protecting("digitalocean:volume/pg-data"),
            "doctl k8s cluster delete k1 --dangerous",
            Verdict.DENY,
        ),
        (protecting("digitalocean:volume/pg-data"), "doctl k8s cluster delete k1", Verdict.ASK),
        (protecting("cloudflare:d1/prod-db"), "wrangler d1 delete prod-db -y", Verdict.DENY),
        (protecting("db:sqlite/prod-db/users"), "wrangler d1 delete prod-db -y", Verdict.DENY),
        (
            protecting("cloudflare:r2/backups"),
            "wrangler r2 object delete backups/db.dump",
            Verdict.ASK,
        ),
        (
            protecting("cloudflare:r2/backups*"),
            "wrangler r2 object delete backups/db.dump",
            Verdict.DENY,
        ),
    ],
)
def test_under_policies_protecting_platform_resources(
    policy: str, command: str, expected: Verdict, judge_brief: JudgeBrief
) -> None:
    decision = judge_brief(command, files=FILES, policy=policy)
    assert decision.decision is expected, (command, decision.describe())


@pytest.mark.parametrize(
    ("command", "env", "expected", "approvals"),
    [
        # told from the names: a production app, site or environment says so
        ("railway status", None, Verdict.ALLOW, 0),
        ("flyctl status -a prod-app", None, Verdict.ALLOW, 0),
        ("heroku logs -a prod-app", None, Verdict.ALLOW, 0),
        ("vercel ls", None, Verdict.ALLOW, 0),
        ("doctl compute droplet list", None, Verdict.ALLOW, 0),
        ("vercel --prod", None, Verdict.ASK, 1),
        ("vercel deploy --prod --yes", "dev", Verdict.ALLOW, 0),
        ("vercel deploy", "dev", Verdict.ALLOW, 0),
        ("fly deploy -a prod-app", None, Verdict.ASK, 1),
        ("fly apps destroy prod-app -y", None, Verdict.ASK, 2),
        ("fly apps destroy dev-app -y", "dev", Verdict.ALLOW, 0),
        ("heroku apps:destroy -a prod-app --confirm prod-app", None, Verdict.ASK, 2),
        ("heroku pg:psql -a prod-app -c 'DROP TABLE users'", None, Verdict.ASK, 2),
        ("netlify deploy --prod --no-build --site prod-site", None, Verdict.ASK, 1),
        ("wrangler d1 execute prod-db --remote --command 'SELECT 1'", None, Verdict.ALLOW, 0),
        ("glab repo view -R acme/prod", None, Verdict.ALLOW, 0),
        # not understood: denied in production, held elsewhere
        ("railway frob", None, Verdict.DENY, 0),
        ("railway frob", "dev", Verdict.ASK, 1),
        ("fly ssh console -a prod-app", None, Verdict.DENY, 0),
        # the command run with the service's variables is judged: rm -rf ~ is never allowed
        ("railway run -- rm -rf ~", None, Verdict.DENY, 0),
        ("railway run -- rm -rf ~", "dev", Verdict.DENY, 0),
        ("fly ssh console -a prod-app -C 'rm -rf /'", "dev", Verdict.DENY, 0),
    ],
)
def test_under_the_brief_policy(
    command: str, env: str | None, expected: Verdict, approvals: int, judge_brief: JudgeBrief
) -> None:
    decision = judge_brief(command, env=env, files=FILES)
    assert decision.decision is expected, (command, decision.describe())
    assert decision.approvals_required == approvals, (command, decision.describe())


_API_WORKER = ("cloudflare:worker/api", "cloudflare:worker/api/*")


@pytest.mark.parametrize(
    ("command", "files", "kind", "names"),
    [
        # -X=VALUE is -X VALUE for cobra, oclif, clap and yargs
        ("fly volumes destroy vol_1 -a=prod-api -y", {}, _E.DELETE, ("fly:prod-api/volume/vol_1",)),
        ("heroku config:unset K -a=shop", {}, _E.DELETE, ("heroku:shop/config/K",)),
        ("railway volume delete -v=data -e=prod", {}, _E.DELETE, ("railway:*/prod/volume/data",)),
        (
            "wrangler secret delete K --name api -e=staging",
            {},
            _E.DELETE,
            ("cloudflare:worker/api-staging/secret/K",),
        ),
        # another app's database, APP::DATABASE
        (
            "heroku pg:backups:restore b001 prod-shop::DATABASE_URL -a dev-shop",
            {},
            _E.REPLACE,
            ("heroku:prod-shop/addon/DATABASE_URL",),
        ),
        # the remote git config's heroku.remote names, else the only Heroku remote
        (
            "heroku apps:destroy",
            {
                "/w/.git/config": '[remote "heroku"]\n\turl = https://git.heroku.com/a.git\n'
                '[remote "prod"]\n\turl = https://git.heroku.com/b.git\n[heroku]\n\tremote = prod\n'
            },
            _E.DELETE,
            ("heroku:b", "heroku:b/*"),
        ),
        (
            "heroku apps:destroy",
            {"/w/.git/config": '[remote "production"]\n\turl = git@heroku.com:b.git\n'},
            _E.DELETE,
            ("heroku:b", "heroku:b/*"),
        ),
        (
            "heroku apps:destroy",
            {
                "/w/.git/config": '[remote "a"]\n\turl = https://git.heroku.com/a.git\n'
                '[remote "b"]\n\turl = https://git.heroku.com/b.git\n'
            },
            _E.DELETE,
            ("heroku:*", "heroku:*/*"),
        ),
        # doctl: an image written over the disk; the account of the config file or a token
        (
            "doctl compute droplet-action rebuild web-1 --image ubuntu",
            {},
            _E.REPLACE,
            ("digitalocean:droplet/web-1",),
        ),
        (
            "doctl compute droplet-action restore web-1 --image-id 42",
            {},
            _E.REPLACE,
            ("digitalocean:droplet/web-1",),
        ),
        (
            "doctl compute droplet delete web-1",
            {"/home/u/.config/doctl/config.yaml": "context: prod\naccess-token: x\n"},
            _E.DELETE,
            ("digitalocean:droplet/web-1", "digitalocean:prod/droplet/web-1"),
        ),
        (
            "doctl compute droplet delete web-1 --context dev -t tok",
            {},
            _E.DELETE,
            (
                "digitalocean:droplet/web-1",
                "digitalocean:dev/droplet/web-1",
                "digitalocean:*/droplet/web-1",
            ),
        ),
        # wrangler: a dry run that is not one, the environment chosen outside the line
        (
            "wrangler delete api --dry-run=false",
            {},
            _E.DELETE,
            _API_WORKER,
        ),
        ("wrangler delete api --dry-run false", {}, _E.DELETE, _API_WORKER),
        ("wrangler delete api --dry-run=true", {}, _E.READ, ("cloudflare:worker/api",)),
        (
            "CLOUDFLARE_ENV=staging wrangler delete --name api",
            {},
            _E.DELETE,
            ("cloudflare:worker/api-staging", "cloudflare:worker/api-staging/*"),
        ),
        (
            "wrangler delete --name api",
            {"/w/.env": "export CLOUDFLARE_ENV='staging'\n"},
            _E.DELETE,
            ("cloudflare:worker/api-staging", "cloudflare:worker/api-staging/*"),
        ),
        (
            "wrangler delete",
            {
                "/w/wrangler.toml": 'name = "api"\n',
                "/w/.wrangler/deploy/config.json": '{"configPath": "../../build/wrangler.json"}',
                "/w/build/wrangler.json": '{"name": "api-built"}',
            },
            _E.DELETE,
            ("cloudflare:worker/api-built", "cloudflare:worker/api-built/*"),
        ),
    ],
)
def test_the_target_as_the_tool_reads_it(
    command: str, files: dict[str, str], kind: EffectKind, names: tuple[str, ...]
) -> None:
    found = understand_shell(command, cwd="/w", home="/home/u", files=MemoryFiles(files)).effects
    assert [(e.effect, e.resource.names) for e in found] == [(kind, names)]


def test_a_link_made_earlier_on_the_line_is_not_read_from_disk() -> None:
    found = _effects("railway environment staging && railway volume delete -v data -y", "/w/shop")
    assert found[-1].resource.names == ("railway:*/*/volume/data",)
    written = _effects("echo 'app = \"other\"' > fly.toml && fly status", "/w/fly")
    assert written[-1].resource.names == ("fly:other",)
