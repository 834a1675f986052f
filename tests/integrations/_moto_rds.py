"""RDS instances on the moto server the integration suites share (``moto_url``), made and
looked up with keys given in code, outside any guard."""

from __future__ import annotations

import boto3


def keyed_session() -> boto3.Session:
    """A session given keys in code (``default`` is its profile name, dev in BRIEF)."""
    return boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="eu-west-1"
    )


def make_db(moto_url: str, name: str) -> str:
    """A database instance called ``name`` on moto; its name."""
    rds = keyed_session().client("rds", endpoint_url=moto_url)
    rds.create_db_instance(
        DBInstanceIdentifier=name,
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="admin",
        MasterUserPassword="secret-password",
        AllocatedStorage=20,
    )
    return name


def db_exists(moto_url: str, name: str) -> bool:
    rds = keyed_session().client("rds", endpoint_url=moto_url)
    return any(
        d["DBInstanceIdentifier"] == name for d in rds.describe_db_instances()["DBInstances"]
    )
