"""docker, podman, nerdctl and compose command lines."""

from __future__ import annotations

import pytest

from keyturn.model import Effect, EffectKind, Verdict
from keyturn.understand.shell import understand_shell

R, C, U, D, REP, UNK = (
    EffectKind.READ,
    EffectKind.CREATE,
    EffectKind.UPDATE,
    EffectKind.DELETE,
    EffectKind.REPLACE,
    EffectKind.UNKNOWN,
)


def _effects(command: str, env: dict[str, str] | None = None, cwd: str = "/w") -> list[Effect]:
    return list(understand_shell(command, cwd=cwd, home="/home/u", env=env or {}).effects)


def _pairs(command: str, **kwargs: object) -> list[tuple[EffectKind, tuple[str, ...]]]:
    return [(e.effect, e.resource.names) for e in _effects(command, **kwargs)]  # type: ignore[arg-type]


def _names(command: str, kind: EffectKind, **kwargs: object) -> set[str]:
    found = _effects(command, **kwargs)  # type: ignore[arg-type]
    return {n for e in found if e.effect is kind for n in e.resource.names}


@pytest.mark.parametrize(
    "command",
    [
        "docker ps -a",
        "docker ls",
        "docker images",
        "docker inspect web",
        "docker logs --tail 10 -f web",
        "docker stats --no-stream",
        "docker top web",
        "docker version",
        "docker info",
        "docker history nginx",
        "docker events --since 1h",
        "docker port web",
        "docker diff web",
        "docker search nginx",
        "docker --version",
        "docker help",
        "docker container ls",
        "docker container inspect web",
        "docker container logs web",
        "docker image ls",
        "docker image inspect nginx",
        "docker image history nginx",
        "docker volume ls",
        "docker volume inspect pgdata",
        "docker network ls",
        "docker network inspect bridge",
        "docker system df",
        "docker system info",
        "docker context ls",
        "docker context show",
        "docker compose ps",
        "docker compose logs -f web",
        "docker compose config",
        "docker compose ls",
        "docker compose images",
        "docker-compose ps",
        "podman-compose logs",
        "podman ps",
        "nerdctl images",
        "docker -D --log-level debug --tlsverify --config /tmp/c ps",
    ],
)
def test_reads_are_reads(command: str) -> None:
    found = _effects(command)
    assert found, command
    assert all(e.effect is R for e in found), (command, found)


@pytest.mark.parametrize(
    ("command", "names"),
    [
        ("docker rm web", {"docker:container/web"}),
        ("docker rm -f web db", {"docker:container/web", "docker:container/db"}),
        ("docker rm -v web", {"docker:container/web", "docker:container/web/volumes"}),
        (
            "docker container rm --volumes web",
            {"docker:container/web", "docker:container/web/volumes"},
        ),
        ("docker rmi nginx:1.25", {"docker:image/nginx:1.25"}),
        ("docker image rm nginx", {"docker:image/nginx"}),
        ("docker volume rm pgdata", {"docker:volume/pgdata"}),
        ("docker volume rm -f a b", {"docker:volume/a", "docker:volume/b"}),
        ("docker network rm backend", {"docker:network/backend"}),
        ("docker container prune -f", {"docker:container/*"}),
        ("docker image prune -a", {"docker:image/*"}),
        ("docker volume prune -af", {"docker:volume/*"}),
        ("docker network prune", {"docker:network/*"}),
        ("docker builder prune", {"docker:builder/*"}),
        ("docker buildx prune --all", {"docker:builder/*"}),
        (
            "docker system prune -f",
            {"docker:container/*", "docker:network/*", "docker:image/*", "docker:builder/*"},
        ),
        (
            "docker system prune -a --volumes",
            {
                *("docker:container/*", "docker:network/*", "docker:image/*"),
                *("docker:builder/*", "docker:volume/*"),
            },
        ),
        ("podman rm --all", {"docker:container/*"}),
        ("docker compose down", {"docker:compose/w"}),
    ],
)
def test_removals_and_prunes_delete_exactly(command: str, names: set[str]) -> None:
    found = _effects(command)
    assert {e.effect for e in found} == {D}, (command, found)
    assert {n for e in found for n in e.resource.names} == names


def test_prune_details_say_what_goes() -> None:
    (dangling, *_) = _effects("docker system prune")
    assert "dangling" in dangling.detail
    (every, *_) = _effects("docker system prune --all")
    assert "every unused image" in every.detail
    (volume,) = _effects("docker volume rm pgdata")
    assert "data" in volume.detail


@pytest.mark.parametrize(
    ("command", "word"),
    [
        ("docker stop web", "stops"),
        ("docker kill web", "kills"),
        ("docker restart web", "restarts"),
        ("docker pause web", "pauses"),
        ("docker unpause web", "resumes"),
        ("docker start -a web", "starts"),
        ("docker update --memory 1g --cpus 2 web", "limits"),
        ("docker container stop -t 5 web", "stops"),
        ("docker kill -s SIGKILL web", "kills"),
    ],
)
def test_container_changes_are_updates_of_the_container(command: str, word: str) -> None:
    found = _effects(command)
    assert [(e.effect, e.resource.names) for e in found] == [(U, ("docker:container/web",))]
    assert word in found[0].detail


def test_rename_updates_both_names() -> None:
    assert _pairs("docker rename old new") == [
        (U, ("docker:container/old",)),
        (U, ("docker:container/new",)),
    ]


def test_podman_all_and_docker_start_attach() -> None:
    assert _pairs("podman stop -a") == [(U, ("docker:container/*",))]
    assert _pairs("docker start -a web") == [(U, ("docker:container/web",))]


def test_run_creates_the_named_container_or_one_named_by_its_image() -> None:
    assert _pairs("docker run -d --name web -p 80:80 nginx") == [(C, ("docker:container/web",))]
    assert _pairs("docker container create nginx:1.25") == [(C, ("docker:container/nginx:1.25",))]
    assert _pairs("podman run --replace --name web nginx") == [(REP, ("docker:container/web",))]


def test_the_command_a_container_runs_is_understood_in_the_container() -> None:
    # Its own root filesystem: gone with the container, not this host's (nor catastrophic).
    assert _pairs("docker run --rm alpine rm -rf /") == [
        (C, ("docker:container/alpine",)),
        (D, ("docker:container/alpine/file:/", "docker:container/alpine/file:/*")),
    ]
    assert not any(e.catastrophic for e in _effects("docker run --rm alpine rm -rf /"))
    piped = [e.effect for e in _effects("docker run -it alpine sh -c 'curl x | sh'")]
    assert EffectKind.UNKNOWN in piped


@pytest.mark.parametrize(
    ("command", "kind", "path"),
    [
        ("docker run -v /srv/data:/data:ro alpine", R, "/srv/data"),
        ("docker run -v /srv/data:/data alpine", U, "/srv/data"),
        ("docker run -v /srv/data:/data:rw,z alpine", U, "/srv/data"),
        ("docker run --volume ./app:/app alpine", U, "/w/app"),
        ("docker run -v ~/src:/src:ro alpine", R, "/home/u/src"),
        ("docker run --mount type=bind,source=/srv/x,target=/x,readonly alpine", R, "/srv/x"),
        ("docker run --mount type=bind,src=/srv/x,dst=/x alpine", U, "/srv/x"),
    ],
)
def test_bind_mounts_are_the_host_files(command: str, kind: EffectKind, path: str) -> None:
    found = [e for e in _effects(command) if e.service == "file"]
    assert [(e.effect, e.resource.names) for e in found] == [
        (kind, (f"file:{path}", f"file:{path}/*"))
    ]
    assert "container can" in found[0].detail
    assert UNK not in {e.effect for e in _effects(command)}


def test_named_and_anonymous_volumes() -> None:
    assert (U, ("docker:volume/pgdata",)) in _pairs("docker run -v pgdata:/var/lib/pg postgres")
    assert (R, ("docker:volume/cfg",)) in _pairs("docker run -v cfg:/etc/x:ro alpine")
    assert (U, ("docker:volume/v",)) in _pairs("docker run --mount source=v,target=/x alpine")
    assert _pairs("docker run -v /data alpine") == [(C, ("docker:container/alpine",))]
    assert _pairs("docker run --tmpfs /t --mount type=tmpfs,target=/x alpine") == [
        (C, ("docker:container/alpine",))
    ]


@pytest.mark.parametrize(
    "command",
    [
        "docker run -v /:/host alpine chroot /host",
        "docker run -v /:/host:ro alpine",  # the engine's socket is under /
        "docker run --privileged alpine",
        "docker run --privileged=true alpine",
        "docker run --pid=host alpine",
        "docker run --pid host alpine",
        "docker run --cap-add SYS_ADMIN alpine",
        "docker run --cap-add=all alpine",
        "docker run --device /dev/sda alpine",
        "docker run -v /var/run/docker.sock:/var/run/docker.sock alpine",
        "docker run -v /var/run/docker.sock:/var/run/docker.sock:ro alpine",
        "docker run -v /run/docker.sock:/s alpine",
        "docker run -v /var/run:/r:ro alpine",
        "docker run -v /run/user/1000:/r alpine",
        "docker run -v /home/u:/h alpine",
        "docker run -v ~:/h alpine",
        "docker run -v /root:/r alpine",
        "docker run -v /home:/h alpine",
        "docker run -v /Users/bob:/h alpine",
        "docker run --mount type=bind,source=/,target=/host alpine",
        "podman run -v /run/podman/podman.sock:/s alpine",
        "nerdctl run -v /run/containerd/containerd.sock:/s alpine",
        "docker compose run -v /:/host web sh",
        "docker --context prod run -d --privileged --name x alpine",
    ],
)
def test_a_container_given_the_host_is_unknown(command: str) -> None:
    found = _effects(command)
    assert any(e.effect is UNK and "host" in e.detail for e in found), (command, found)


def test_privileged_false_and_harmless_options_give_no_unknown() -> None:
    command = "docker run --privileged=false --cap-add NET_ADMIN --device /dev/fuse -e A=1 alpine"
    assert _pairs(command) == [(C, ("docker:container/alpine",))]


@pytest.mark.parametrize(
    "command",
    [
        "docker run",  # no image
        "docker run -v",  # no value, no image
        "docker run --unheard-of x alpine",  # a value could hide the options after it
        "podman run --rootfs / sh",
        "docker create --use-api-socket alpine",
    ],
)
def test_run_forms_not_understood_are_unknown(command: str) -> None:
    assert [e.effect for e in _effects(command)] == [UNK], command


@pytest.mark.parametrize(
    "command",
    [
        "docker run -v :/x alpine",
        "docker run -v a:b alpine",
        "docker run -v /a:/b:c:d alpine",
        "docker run --mount type=bind,target=/x alpine",
        "docker run --mount type=npipe,source=x,target=/x alpine",
        "docker run --mount type=volume,source=v,target=/x,volume-opt=device=/ alpine",
        "docker volume create --opt type=none --opt o=bind --opt device=/ v",
    ],
)
def test_mounts_not_understood_are_unknown(command: str) -> None:
    assert UNK in {e.effect for e in _effects(command)}, command


@pytest.mark.parametrize(
    ("command", "kind", "names"),
    [
        ("docker build -t app:1 .", C, {"docker:image/app:1"}),
        (
            "docker image build --tag a --tag b -f Dockerfile.x .",
            C,
            {"docker:image/a", "docker:image/b"},
        ),
        ("docker buildx build -t app .", C, {"docker:image/app"}),
        ("docker build .", C, {"docker:image/*"}),
        ("docker pull nginx:1.25", C, {"docker:image/nginx:1.25"}),
        ("docker image pull --platform linux/amd64 nginx", C, {"docker:image/nginx"}),
        ("docker load -i img.tar", C, {"docker:image/*"}),
        ("docker import rootfs.tar base:1", C, {"docker:image/base:1"}),
        ("docker tag app:1 registry.io/app:1", C, {"docker:image/registry.io/app:1"}),
        ("docker commit -m msg web snap:1", C, {"docker:image/snap:1"}),
        ("docker push registry.io/app:1", U, {"docker:image/registry.io/app:1"}),
        ("docker volume create pgdata", C, {"docker:volume/pgdata"}),
        ("docker network create -d bridge backend", C, {"docker:network/backend"}),
        (
            "docker network connect backend web",
            U,
            {"docker:network/backend", "docker:container/web"},
        ),
        (
            "docker network disconnect -f backend web",
            U,
            {"docker:network/backend", "docker:container/web"},
        ),
    ],
)
def test_images_volumes_and_networks(command: str, kind: EffectKind, names: set[str]) -> None:
    assert _names(command, kind) == names, _pairs(command)


def test_push_is_published() -> None:
    (push,) = _effects("docker push app:1")
    assert "published" in push.detail
    assert (U, ("docker:image/app",)) in _pairs("docker build --push -t app .")


def test_files_written_on_the_host() -> None:
    assert _names("docker save -o /tmp/img.tar nginx", U) == {"file:/tmp/img.tar"}
    assert _names("docker save -o /tmp/img.tar nginx", R) == {"docker:image/nginx"}
    assert _names("docker export --output c.tar web", U) == {"file:/w/c.tar"}
    assert _names("docker build -o out -t app .", U) == {"file:/w/out", "file:/w/out/*"}
    assert _names("docker load -i img.tar", R) == {"file:/w/img.tar"}


def test_cp_into_the_host_and_into_a_container() -> None:
    out = _pairs("docker cp web:/etc/nginx ./nginx")
    assert (R, ("docker:container/web",)) in out
    assert (U, ("file:/w/nginx",)) in out
    assert (U, ("file:/w/nginx/*",)) in out
    into = _pairs("docker cp ./conf web:/etc/app")
    assert (U, ("docker:container/web",)) in into
    assert (R, ("file:/w/conf", "file:/w/conf/*")) in into
    assert _pairs("docker cp web:/x -") == [(R, ("docker:container/web",))]
    assert [k for k, _ in _pairs("docker cp a b")] == [UNK]  # two host paths


@pytest.mark.parametrize(
    "command",
    [
        "docker --context prod exec c rm -rf /",
        "docker -H ssh://prod exec -it c sh",
        "docker --context prod container exec c ls",
        "docker compose exec web sh",
    ],
)
def test_exec_reached_by_the_handler_is_unknown(command: str) -> None:
    found = _effects(command)
    assert [e.effect for e in found] == [UNK], found
    assert "runs a command in" in found[0].detail


def test_plain_exec_is_still_unwrapped() -> None:
    found = _effects("docker exec c rm -rf /")
    assert any(e.catastrophic for e in found)


def test_the_daemon_adds_a_name() -> None:
    (vol,) = _effects("docker --context prod volume rm pgdata")
    assert vol.resource.names == ("docker:volume/pgdata", "docker:prod/volume/pgdata")
    assert "prod" in vol.detail
    assert _names("docker -c prod volume rm pgdata", D) == {
        "docker:volume/pgdata",
        "docker:prod/volume/pgdata",
    }
    assert "docker:ssh://db-prod/container/web" in _names("docker -H ssh://db-prod rm web", D)
    assert "docker:prod/container/web" in _names("DOCKER_CONTEXT=prod docker rm web", D)
    assert "docker:tcp://h:2376/container/web" in _names(
        "docker stop web", U, env={"DOCKER_HOST": "tcp://h:2376"}
    )
    # The flag wins over the variable, as for docker.
    assert _names("docker --context dev rm web", D, env={"DOCKER_CONTEXT": "prod"}) == {
        "docker:container/web",
        "docker:dev/container/web",
    }
    assert "docker:prod/compose/shop" in _names("docker --context prod compose -p shop down", D)
    assert "docker:prod/container/*" in _names("docker --context=prod ps", R)


def test_podman_reads_its_own_variables() -> None:
    assert _names("podman rm web", D, env={"DOCKER_HOST": "ssh://prod"}) == {"docker:container/web"}
    assert "docker:prod/container/web" in _names("CONTAINER_CONNECTION=prod podman rm web", D)


@pytest.mark.parametrize("engine", ["docker", "podman", "nerdctl"])
@pytest.mark.parametrize(
    "rest",
    [
        "volume rm pgdata",
        "rm -f web",
        "image rm nginx",
        "system prune -a --volumes",
        "run -v /srv:/srv:ro --name web nginx",
        "run --privileged alpine",
        "ps",
        "frobnicate now",
    ],
)
def test_podman_and_nerdctl_mean_what_docker_means(engine: str, rest: str) -> None:
    def meaning(command: str) -> list[tuple[EffectKind, tuple[str, ...], str]]:
        return [(e.effect, e.resource.names, e.detail) for e in _effects(command)]

    mine = meaning(f"{engine} {rest}")
    docker = meaning(f"docker {rest}")
    shell = "shell:" + engine
    assert [(k, n, d) for k, n, d in mine if not n[0].startswith(shell)] == [
        (k, n, d) for k, n, d in docker if not n[0].startswith("shell:docker")
    ]
    assert [k for k, _, _ in mine] == [k for k, _, _ in docker]


# -- compose -------------------------------------------------------------------------------


def test_compose_down_v_in_a_project_directory() -> None:
    found = _pairs("docker compose down -v", cwd="/w/shop")
    assert found == [
        (D, ("docker:compose/shop",)),
        (D, ("docker:compose/shop/volume/*",)),
    ]
    (_, volumes) = _effects("docker compose down --volumes", cwd="/w/shop")
    assert "lost" in volumes.detail


@pytest.mark.parametrize(
    ("command", "env", "project"),
    [
        ("docker compose -p billing down", {}, "billing"),
        ("docker compose --project-name Billing down", {}, "billing"),
        ("docker-compose down", {"COMPOSE_PROJECT_NAME": "billing"}, "billing"),
        ("COMPOSE_PROJECT_NAME=billing docker compose down", {}, "billing"),
        ("docker compose --project-directory /srv/My.App down", {}, "myapp"),
        ("docker compose -f /srv/billing/compose.yml down", {}, "billing"),
        ("docker compose -f deploy/prod/compose.yml down", {}, "prod"),
        ("docker compose down", {"COMPOSE_FILE": "/srv/billing/compose.yml"}, "billing"),
        ("podman-compose down", {}, "shop"),
        ("docker-compose down", {}, "shop"),
    ],
)
def test_compose_project_names(command: str, env: dict[str, str], project: str) -> None:
    assert _names(command, D, env=env, cwd="/w/Shop") == {f"docker:compose/{project}"}


def test_compose_rmi_and_rm() -> None:
    assert _names("docker compose down --rmi all", D, cwd="/w/shop") == {
        "docker:compose/shop",
        "docker:compose/shop/image/*",
    }
    assert _pairs("docker compose rm -f", cwd="/w/shop") == [(D, ("docker:compose/shop",))]
    assert (D, ("docker:compose/shop/volume/*",)) in _pairs("docker compose rm -v", cwd="/w/shop")


@pytest.mark.parametrize(
    ("verb", "kind"),
    [
        ("up -d", U),
        ("create", C),
        ("start", U),
        ("restart", U),
        ("run --rm web", U),
        ("pull", U),
        ("build", U),
        ("stop", U),
        ("kill", U),
        ("pause", U),
    ],
)
def test_compose_changes_update_the_project(verb: str, kind: EffectKind) -> None:
    found = _effects(f"docker compose {verb}", cwd="/w/shop")
    assert [(e.effect, e.resource.names) for e in found] == [(kind, ("docker:compose/shop",))]
    if verb in ("stop", "kill", "pause"):
        assert "stop" in found[0].detail


def test_compose_up_renewing_anonymous_volumes_loses_them() -> None:
    assert (D, ("docker:compose/shop/volume/*",)) in _pairs("docker compose up -V", cwd="/w/shop")


# -- forms not understood, odd input ---------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "docker frobnicate",
        "docker login -u me",
        "docker swarm leave --force",
        "docker stack rm app",
        "docker attach web",
        "docker compose watch",
        "docker compose",
        "docker-compose",
        "podman pod rm p",
        "docker rm",
        "docker stop",
        "docker volume rm",
        "docker tag onlyone",
        "docker --unknown-global ps",
        "docker --frob ps rm web",  # were --frob to take a value, web would be removed
        "docker compose --frob ps down -v",
    ],
)
def test_forms_not_understood_are_unknown(command: str) -> None:
    assert [e.effect for e in _effects(command)] == [UNK], command


def test_names_decided_at_run_time_make_a_change_unknown() -> None:
    assert [k for k, _ in _pairs("docker volume rm $V")] == [UNK]
    assert UNK in {k for k, _ in _pairs("docker rm -f $(docker ps -aq)")}


@pytest.mark.parametrize(
    "command",
    [
        "docker -H",
        "docker --context",
        "docker run --mount",
        "docker run --mount , alpine",
        "docker run --mount type=bind alpine",
        "docker cp",
        "docker compose -p",
        "docker compose -f",
        "docker-compose -f - down",
        "docker build -o",
        "docker build -o type=registry",
        "docker network connect",
        "docker system prune --filter",
        "docker run -v ::: alpine",
        "docker run -v= alpine",
        "docker exec",
        "docker --context prod exec",
    ],
)
def test_odd_input_never_raises_nor_comes_out_empty(command: str) -> None:
    assert _effects(command), command


# -- through the policy ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "docker volume rm pgdata",
        "docker compose down -v",
        "docker rm -f web",
        "docker system prune -a --volumes -f",
        "podman volume prune -f",
        "docker run -v /:/host alpine",
        "docker run --privileged alpine",
        "docker --context prod exec db psql -c 'drop table users'",
        "docker compose -p billing down",
    ],
)
def test_nothing_destructive_is_allowed_in_production(command: str, judge_brief) -> None:
    assert judge_brief(command, cwd="/w/shop").decision is not Verdict.ALLOW, command


def test_a_prod_context_tells_production_and_reads_stay_allowed(judge_brief) -> None:
    removal = judge_brief("docker --context prod volume rm pgdata", env=None)
    assert removal.decision is not Verdict.ALLOW
    assert judge_brief("docker ps", env="dev").decision is Verdict.ALLOW
