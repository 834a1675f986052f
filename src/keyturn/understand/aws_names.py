"""AWS resource names from a resource type and an identifier (BRIEF §4.2).

Terraform plans and CloudFormation change sets name an AWS resource by its own identifier (a DB
identifier, a bucket name, an instance id); policies name it by ARN. These helpers derive the
ARN, writing the parts the input cannot know (account, region) as ``*``, so that
``arn:aws:rds:*:*:db:prod-*`` matches the same database whichever surface touches it.
"""

from __future__ import annotations

import re

# kind -> ARN format; ``{}`` is the identifier. Kinds are ``<arn service>:<resource type>``.
_ARN_FORMATS: dict[str, str] = {
    "rds:db": "arn:aws:rds:*:*:db:{}",
    "rds:cluster": "arn:aws:rds:*:*:cluster:{}",
    "s3:bucket": "arn:aws:s3:::{}",
    "dynamodb:table": "arn:aws:dynamodb:*:*:table/{}",
    "ec2:instance": "arn:aws:ec2:*:*:instance/{}",
    "ec2:vpc": "arn:aws:ec2:*:*:vpc/{}",
    "ec2:subnet": "arn:aws:ec2:*:*:subnet/{}",
    "ec2:volume": "arn:aws:ec2:*:*:volume/{}",
    "ec2:security-group": "arn:aws:ec2:*:*:security-group/{}",
    "ec2:snapshot": "arn:aws:ec2::*:snapshot/{}",
    "iam:role": "arn:aws:iam::*:role/{}",
    "iam:user": "arn:aws:iam::*:user/{}",
    "iam:group": "arn:aws:iam::*:group/{}",
    "iam:policy": "arn:aws:iam::*:policy/{}",
    "iam:instance-profile": "arn:aws:iam::*:instance-profile/{}",
    "lambda:function": "arn:aws:lambda:*:*:function:{}",
    "cloudformation:stack": "arn:aws:cloudformation:*:*:stack/{}/*",
    "eks:cluster": "arn:aws:eks:*:*:cluster/{}",
    "ecs:cluster": "arn:aws:ecs:*:*:cluster/{}",
    "ecr:repository": "arn:aws:ecr:*:*:repository/{}",
    "kms:key": "arn:aws:kms:*:*:key/{}",
    "sqs:queue": "arn:aws:sqs:*:*:{}",
    "sns:topic": "arn:aws:sns:*:*:{}",
    "logs:log-group": "arn:aws:logs:*:*:log-group:{}",
    "secretsmanager:secret": "arn:aws:secretsmanager:*:*:secret:{}",
    "elasticache:cluster": "arn:aws:elasticache:*:*:cluster:{}",
    "elasticache:replicationgroup": "arn:aws:elasticache:*:*:replicationgroup:{}",
    "redshift:cluster": "arn:aws:redshift:*:*:cluster:{}",
    "es:domain": "arn:aws:es:*:*:domain/{}",
    "kinesis:stream": "arn:aws:kinesis:*:*:stream/{}",
    "elasticfilesystem:file-system": "arn:aws:elasticfilesystem:*:*:file-system/{}",
    "route53:hostedzone": "arn:aws:route53:::hostedzone/{}",
    "backup:backup-vault": "arn:aws:backup:*:*:backup-vault:{}",
    "ssm:parameter": "arn:aws:ssm:*:*:parameter/{}",
    "states:stateMachine": "arn:aws:states:*:*:stateMachine:{}",
    "apigateway:restapi": "arn:aws:apigateway:*::/restapis/{}",
}

# Kinds whose service keeps identifiers in lower case whatever case they are given in (RDS:
# "stored as a lowercase string"): named in lower case too, so that ``PROD-MAIN`` meets a
# policy's ``db:prod-*``.
_LOWER_CASED = frozenset({"rds", "elasticache", "redshift"})

# Terraform resource type -> (kind, attribute holding the identifier).
TERRAFORM_TYPES: dict[str, tuple[str, str]] = {
    "aws_db_instance": ("rds:db", "identifier"),
    "aws_rds_cluster_instance": ("rds:db", "identifier"),
    "aws_rds_cluster": ("rds:cluster", "cluster_identifier"),
    "aws_docdb_cluster": ("rds:cluster", "cluster_identifier"),
    "aws_neptune_cluster": ("rds:cluster", "cluster_identifier"),
    "aws_s3_bucket": ("s3:bucket", "bucket"),
    "aws_dynamodb_table": ("dynamodb:table", "name"),
    "aws_instance": ("ec2:instance", "id"),
    "aws_vpc": ("ec2:vpc", "id"),
    "aws_subnet": ("ec2:subnet", "id"),
    "aws_ebs_volume": ("ec2:volume", "id"),
    "aws_security_group": ("ec2:security-group", "id"),
    "aws_iam_role": ("iam:role", "name"),
    "aws_iam_user": ("iam:user", "name"),
    "aws_iam_group": ("iam:group", "name"),
    "aws_iam_policy": ("iam:policy", "name"),
    "aws_iam_instance_profile": ("iam:instance-profile", "name"),
    "aws_lambda_function": ("lambda:function", "function_name"),
    "aws_cloudformation_stack": ("cloudformation:stack", "name"),
    "aws_eks_cluster": ("eks:cluster", "name"),
    "aws_ecs_cluster": ("ecs:cluster", "name"),
    "aws_ecr_repository": ("ecr:repository", "name"),
    "aws_kms_key": ("kms:key", "key_id"),
    "aws_sqs_queue": ("sqs:queue", "name"),
    "aws_sns_topic": ("sns:topic", "name"),
    "aws_cloudwatch_log_group": ("logs:log-group", "name"),
    "aws_secretsmanager_secret": ("secretsmanager:secret", "name"),
    "aws_elasticache_cluster": ("elasticache:cluster", "cluster_id"),
    "aws_elasticache_replication_group": ("elasticache:replicationgroup", "replication_group_id"),
    "aws_redshift_cluster": ("redshift:cluster", "cluster_identifier"),
    "aws_opensearch_domain": ("es:domain", "domain_name"),
    "aws_elasticsearch_domain": ("es:domain", "domain_name"),
    "aws_kinesis_stream": ("kinesis:stream", "name"),
    "aws_efs_file_system": ("elasticfilesystem:file-system", "id"),
    "aws_route53_zone": ("route53:hostedzone", "zone_id"),
    "aws_backup_vault": ("backup:backup-vault", "name"),
    "aws_ssm_parameter": ("ssm:parameter", "name"),
    "aws_sfn_state_machine": ("states:stateMachine", "name"),
    "aws_api_gateway_rest_api": ("apigateway:restapi", "id"),
}

# CloudFormation resource type -> kind; the change set's PhysicalResourceId is the identifier.
CLOUDFORMATION_TYPES: dict[str, str] = {
    "AWS::RDS::DBInstance": "rds:db",
    "AWS::RDS::DBCluster": "rds:cluster",
    "AWS::DocDB::DBCluster": "rds:cluster",
    "AWS::Neptune::DBCluster": "rds:cluster",
    "AWS::S3::Bucket": "s3:bucket",
    "AWS::DynamoDB::Table": "dynamodb:table",
    "AWS::DynamoDB::GlobalTable": "dynamodb:table",
    "AWS::EC2::Instance": "ec2:instance",
    "AWS::EC2::VPC": "ec2:vpc",
    "AWS::EC2::Subnet": "ec2:subnet",
    "AWS::EC2::Volume": "ec2:volume",
    "AWS::EC2::SecurityGroup": "ec2:security-group",
    "AWS::IAM::Role": "iam:role",
    "AWS::IAM::User": "iam:user",
    "AWS::IAM::Group": "iam:group",
    "AWS::IAM::InstanceProfile": "iam:instance-profile",
    "AWS::Lambda::Function": "lambda:function",
    "AWS::CloudFormation::Stack": "cloudformation:stack",
    "AWS::EKS::Cluster": "eks:cluster",
    "AWS::ECS::Cluster": "ecs:cluster",
    "AWS::ECR::Repository": "ecr:repository",
    "AWS::KMS::Key": "kms:key",
    "AWS::SQS::Queue": "sqs:queue",
    "AWS::SNS::Topic": "sns:topic",
    "AWS::Logs::LogGroup": "logs:log-group",
    "AWS::SecretsManager::Secret": "secretsmanager:secret",
    "AWS::ElastiCache::CacheCluster": "elasticache:cluster",
    "AWS::ElastiCache::ReplicationGroup": "elasticache:replicationgroup",
    "AWS::Redshift::Cluster": "redshift:cluster",
    "AWS::OpenSearchService::Domain": "es:domain",
    "AWS::Elasticsearch::Domain": "es:domain",
    "AWS::Kinesis::Stream": "kinesis:stream",
    "AWS::EFS::FileSystem": "elasticfilesystem:file-system",
    "AWS::Route53::HostedZone": "route53:hostedzone",
    "AWS::Backup::BackupVault": "backup:backup-vault",
    "AWS::SSM::Parameter": "ssm:parameter",
    "AWS::StepFunctions::StateMachine": "states:stateMachine",
    "AWS::ApiGateway::RestApi": "apigateway:restapi",
}


def partition_aliases(arn: str) -> tuple[str, ...]:
    """``arn`` and, when it is in another partition than ``aws`` (``aws-cn``, ``aws-us-gov``,
    ``aws-iso``...), the same ARN spelled in the ``aws`` partition.

    Policies name resources ``arn:aws:...``; the same database in a China or GovCloud account
    is ``arn:aws-cn:...``, and an identifier given without its ARN is named ``arn:aws:...``
    whatever the partition: both spellings name it, so that its protection holds either way.
    """
    head, sep, rest = arn.partition(":")
    partition, sep2, tail = rest.partition(":")
    if head != "arn" or not sep or not sep2 or partition in ("aws", "*"):
        return (arn,)
    return (arn, f"arn:aws:{tail}")


def s3_bucket_names(bucket: str) -> tuple[str, str]:
    """A bucket's ARN and its ``s3://`` alias."""
    return (f"arn:aws:s3:::{bucket}", f"s3://{bucket}")


def resource_names(kind: str, identifier: str) -> tuple[str, ...]:
    """The names of the resource of ``kind`` (``rds:db``...) identified by ``identifier``.

    An identifier that already is an ARN is returned as it is; an SQS queue URL is reduced to
    the queue name; an unknown kind gives no names.
    """
    if not identifier:
        return ()
    if identifier.startswith("arn:"):
        lower = identifier.lower()
        stored = kind.split(":")[0] in _LOWER_CASED and lower != identifier
        given = (lower, identifier) if stored else (identifier,)
        return tuple(dict.fromkeys(a for arn in given for a in partition_aliases(arn)))
    if kind == "s3:bucket":
        return s3_bucket_names(identifier)
    if kind == "sqs:queue" and identifier.startswith("https://"):
        identifier = identifier.rstrip("/").rsplit("/", 1)[-1]
    elif kind == "ssm:parameter":
        identifier = identifier.lstrip("/")
    fmt = _ARN_FORMATS.get(kind)
    if fmt is None:
        return ()
    name = fmt.format(identifier)
    if kind.split(":")[0] in _LOWER_CASED and name.lower() != name:
        return (name.lower(), name)
    return (name,)


def cloudformation_names(resource_type: str, physical_id: str) -> tuple[str, ...]:
    """The derived names of a CloudFormation resource from its type and physical id."""
    if physical_id.startswith("arn:"):
        return partition_aliases(physical_id)
    kind = CLOUDFORMATION_TYPES.get(resource_type)
    return resource_names(kind, physical_id) if kind else ()


def snake_case(word: str) -> str:
    """``DBInstance`` -> ``db_instance``, ``SecurityGroup`` -> ``security_group``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", word).lower()


def awscc_type(resource_type: str) -> str:
    """The Terraform ``awscc`` provider's type of a CloudFormation type: it is generated from
    the CloudFormation registry, ``AWS::RDS::DBInstance`` -> ``awscc_rds_db_instance``."""
    _, service, noun = resource_type.split("::")
    return f"awscc_{service.lower()}_{snake_case(noun)}"


# Terraform ``awscc_*`` (Cloud Control provider) type -> its CloudFormation type, for the types
# named above: its ``id`` is the Cloud Control identifier, which CloudFormation names alike.
AWSCC_TYPES: dict[str, str] = {awscc_type(t): t for t in CLOUDFORMATION_TYPES}
