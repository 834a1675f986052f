"""The service index read from the models' heads is the one loading every model whole gives."""

from __future__ import annotations

import botocore.loaders

from keyturn.understand.aws import catalog


def test_the_head_index_equals_the_whole_model_index() -> None:
    loader = botocore.loaders.create_loader()
    by_id: dict[str, str] = {}
    by_prefix: dict[str, list[str]] = {}
    for name in sorted(catalog.service_names()):
        meta = loader.load_service_model(name, "service-2").get("metadata", {})
        service_id = str(meta.get("serviceId", "")).lower().replace(" ", "-")
        if service_id:
            by_id.setdefault(service_id, name)
        if meta.get("endpointPrefix"):
            by_prefix.setdefault(str(meta["endpointPrefix"]), []).append(name)
    fast_ids, fast_prefixes = catalog._metadata_index()
    assert fast_ids == by_id
    assert fast_prefixes == {k: tuple(v) for k, v in by_prefix.items()}
    assert fast_prefixes["monitoring"] == ("cloudwatch",)  # a host prefix that is no CLI name


def test_a_model_whose_head_lacks_the_keys_is_loaded_whole() -> None:
    class Loader:
        search_paths = ("/nonexistent",)

        def determine_latest_version(self, name: str, kind: str) -> str:
            return "2020-01-01"

    assert catalog._model_head(Loader(), "rds") is None
