"""Platform (PaaS) command lines: what ``railway``, ``flyctl``/``fly``, ``heroku``,
``vercel``/``vc``, ``netlify``/``ntl``, ``doctl``, ``wrangler`` and ``firebase`` do to named
resources.

Each tool has a module of its own (their handlers register on import, and the program-name
index imports only the one asked for); what they share is in :mod:`._paas_common`.

Names (decided here; ``keyturn policy lint`` should know these prefixes), from the widest
scope to the object, ``*`` for a part neither the line nor a config file at hand gives:

- ``railway:<project>/<environment>/volume/<volume>``, ``.../service/<service>``
  (``/variable/<KEY>``, ``/domain/<d>``, ``/deployment/latest``); ``railway:<project>``
  (:mod:`._paas_railway`). ``protected: ["railway:*/volume/prod-data"]``.
- ``fly:<app>``, ``fly:<app>/volume/<id>``, ``/machine/<id>``, ``/secret/<NAME>``;
  ``fly:mpg/<cluster>`` (:mod:`._paas_fly`).
- ``heroku:<app>``, ``heroku:<app>/addon/<name>``, ``/config/<KEY>``, ``/dyno/<type>``
  (:mod:`._paas_heroku`).
- ``vercel:project/<project>/production`` (``/preview``, ``/env/<environment>/<NAME>``),
  ``vercel:deployment/<host>``, ``vercel:domain/<d>`` (:mod:`._paas_vercel`).
- ``netlify:site/<site>/production`` (``/deploy/<alias>``, ``/env/<context>/<KEY>``)
  (:mod:`._paas_netlify`).
- ``digitalocean:<kind>/<id>`` (``digitalocean:database/<cluster>/db/<name>``; with an auth
  context also ``digitalocean:<context>/<kind>/<id>``) (:mod:`._paas_doctl`).
- ``firebase:<project>/firestore/<database>/<path>``, ``.../database/<instance>/<path>``,
  ``/hosting/<site>``, ``/functions/<name>`` (:mod:`._paas_firebase`).
- ``cloudflare:worker/<name>``, ``cloudflare:d1/<db>``, ``cloudflare:r2/<bucket>/<key>``,
  ``cloudflare:kv/<namespace>/<key>`` (:mod:`._paas_wrangler`).

Where a production environment, app or site is named (``production``, ``prod-app``), the
name says so, so that the policy's ``resources: ["*prod*"]`` tells the environment. Deletes
of something that holds more (an app, a project, an environment, a database) also name
everything in it (``fly:prod-app/*``). Every verb not in a tool's table is ``None``
(reported unknown), never a read by default.
"""

from __future__ import annotations

from keyturn.understand.shell.commands import (  # noqa: F401  (each registers its handler)
    _paas_doctl,
    _paas_firebase,
    _paas_fly,
    _paas_heroku,
    _paas_netlify,
    _paas_railway,
    _paas_vercel,
    _paas_wrangler,
)
