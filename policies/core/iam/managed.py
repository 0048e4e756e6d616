"""What the AWS-managed policies people get allow, abridged to the statements that decide the three
functions (from the AWS Managed Policy Reference, docs.aws.amazon.com/aws-managed-policy/latest/reference/).
Read-only policies are approximated by every read/list action; a managed policy not listed here cannot be
judged and blocks (closed world)."""

from __future__ import annotations

from typing import Any

METADATA_ONLY = "MetadataOnly"  # marks an approximated read-only statement whose real policy reads no values
_READ = ["*:Get*", "*:List*", "*:Describe*", "*:BatchGet*", "*:Search*", "*:Lookup*", "*:View*"]

MANAGED: dict[str, list[dict[str, Any]]] = {
    "AdministratorAccess": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    "PowerUserAccess": [
        {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
        {
            "Effect": "Allow",
            "Action": [
                "iam:CreateServiceLinkedRole",
                "iam:DeleteServiceLinkedRole",
                "iam:ListRoles",
                "organizations:DescribeOrganization",
                "account:ListRegions",
                "account:GetAccountInformation",
            ],
            "Resource": "*",
        },
    ],
    "IAMFullAccess": [
        {
            "Effect": "Allow",
            "Action": ["iam:*", "organizations:Describe*", "organizations:List*"],
            "Resource": "*",
        }
    ],
    "AmazonRDSFullAccess": [
        {
            "Effect": "Allow",
            "Action": [
                "rds:*",
                "application-autoscaling:*",
                "cloudwatch:*",
                "ec2:Describe*",
                "logs:*",
                "sns:*",
                "pi:*",
                "outposts:GetOutpostInstanceTypes",
                "devops-guru:*",
            ],
            "Resource": "*",
        },
        {"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": "*"},
    ],
    "AWSKeyManagementServicePowerUser": [
        {
            "Effect": "Allow",
            "Action": [
                "kms:CreateAlias",
                "kms:CreateKey",
                "kms:DeleteAlias",
                "kms:Describe*",
                "kms:GenerateRandom",
                "kms:Get*",
                "kms:List*",
                "kms:TagResource",
                "kms:UntagResource",
                "iam:ListGroups",
                "iam:ListRoles",
                "iam:ListUsers",
            ],
            "Resource": "*",
        }
    ],
    "ReadOnlyAccess": [{"Effect": "Allow", "Action": _READ, "Resource": "*"}],
    # Round 61 (an unlisted policy now blocks in the residency pack too): the ones the corpus attaches.
    "AmazonS3ReadOnlyAccess": [{"Effect": "Allow", "Action": [
        "s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"],
        "Resource": "*"}],
    "AmazonSSMReadOnlyAccess": [{"Effect": "Allow", "Action": ["ssm:Describe*", "ssm:Get*", "ssm:List*"],
                                 "Resource": "*"}],
    "AmazonEC2ContainerRegistryPowerUser": [{"Effect": "Allow", "Action": [
        "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer",
        "ecr:GetRepositoryPolicy", "ecr:DescribeRepositories", "ecr:ListImages", "ecr:DescribeImages",
        "ecr:BatchGetImage", "ecr:GetLifecyclePolicy", "ecr:GetLifecyclePolicyPreview",
        "ecr:ListTagsForResource", "ecr:DescribeImageScanFindings", "ecr:InitiateLayerUpload",
        "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage"], "Resource": "*"}],
    # Round 62 (ECR judged as a store): its service-linked role statement's condition left out (wider).
    "AmazonEC2ContainerRegistryFullAccess": [
        {"Effect": "Allow", "Action": ["ecr:*", "cloudtrail:LookupEvents"], "Resource": "*"},
        {"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": "*"}],
    # Its reads are metadata: no secret value (secretsmanager:DescribeSecret, ListSecrets, GetResourcePolicy
    # only), which the marker says; IAM's grammar admits no such element in a real policy (round 26).
    "SecurityAudit": [{"Effect": "Allow", "Action": _READ, "Resource": "*", METADATA_ONLY: True}],
    # AWS Config's service role (round 19: workload roles are judged for permission changes): it records
    # configurations, so it reads; its only writes are Config's own delivery, no IAM permission change.
    "AWS_ConfigRole": [{"Effect": "Allow", "Action": _READ, "Resource": "*"}],
    "ViewOnlyAccess": [{"Effect": "Allow", "Action": ["*:List*", "*:Describe*"], "Resource": "*"}],
    # The service roles every-day workloads attach (round 27: a Lambda, an ECS task, a Glue crawler and a
    # Lake Formation administrator were blocked as unknown). Whole statements, conditions left out (wider).
    "AWSLambdaBasicExecutionRole": [
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": "*",
        }
    ],
    "AWSLambdaVPCAccessExecutionRole": [
        {
            "Effect": "Allow",
            "Action": [
                "logs:CreateLogGroup",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
                "ec2:CreateNetworkInterface",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeSubnets",
                "ec2:DeleteNetworkInterface",
                "ec2:AssignPrivateIpAddresses",
                "ec2:UnassignPrivateIpAddresses",
            ],
            "Resource": "*",
        }
    ],
    "AmazonECSTaskExecutionRolePolicy": [
        {
            "Effect": "Allow",
            "Action": [
                "ecr:GetAuthorizationToken",
                "ecr:BatchCheckLayerAvailability",
                "ecr:GetDownloadUrlForLayer",
                "ecr:BatchGetImage",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
            ],
            "Resource": "*",
        }
    ],
    # Round 31: AppSync's logging role, and the Secrets Manager console policy people are given (its
    # secretsmanager:* reads every secret value, the databases' master secrets included).
    "AWSAppSyncPushToCloudWatchLogs": [
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": "*",
        }
    ],
    "SecretsManagerReadWrite": [
        {
            "Effect": "Allow",
            "Action": [
                "secretsmanager:*",
                "cloudformation:CreateChangeSet",
                "cloudformation:DescribeChangeSet",
                "cloudformation:DescribeStackResource",
                "cloudformation:DescribeStacks",
                "cloudformation:ExecuteChangeSet",
                "docdb-elastic:GetCluster",
                "docdb-elastic:ListClusters",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSubnets",
                "ec2:DescribeVpcs",
                "kms:DescribeKey",
                "kms:ListAliases",
                "kms:ListKeys",
                "lambda:ListFunctions",
                "rds:DescribeDBClusters",
                "rds:DescribeDBInstances",
                "redshift:DescribeClusters",
                "redshift-serverless:ListWorkgroups",
                "redshift-serverless:GetNamespace",
                "tag:GetResources",
            ],
            "Resource": "*",
        },
        {
            "Effect": "Allow",
            "Action": [
                "lambda:AddPermission",
                "lambda:CreateFunction",
                "lambda:GetFunction",
                "lambda:InvokeFunction",
                "lambda:UpdateFunctionConfiguration",
            ],
            "Resource": "arn:aws:lambda:*:*:function:SecretsManager*",
        },
        {
            "Effect": "Allow",
            "Action": ["serverlessrepo:CreateCloudFormationChangeSet", "serverlessrepo:GetApplication"],
            "Resource": "arn:aws:serverlessrepo:*:*:applications/SecretsManager*",
        },
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject"],
            "Resource": [
                "arn:aws:s3:::awsserverlessrepo-changesets*",
                "arn:aws:s3:::secrets-manager-rotation-apps-*/*",
            ],
        },
    ],
    "AWSGlueServiceRole": [
        {
            "Effect": "Allow",
            "Action": [
                "glue:*",
                "s3:GetBucketLocation",
                "s3:ListBucket",
                "s3:ListAllMyBuckets",
                "s3:GetBucketAcl",
                "ec2:DescribeVpcEndpoints",
                "ec2:DescribeRouteTables",
                "ec2:CreateNetworkInterface",
                "ec2:DeleteNetworkInterface",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSubnets",
                "ec2:DescribeVpcAttribute",
                "iam:ListRolePolicies",
                "iam:GetRole",
                "iam:GetRolePolicy",
                "cloudwatch:PutMetricData",
            ],
            "Resource": "*",
        },
        {"Effect": "Allow", "Action": "s3:CreateBucket", "Resource": "arn:aws:s3:::aws-glue-*"},
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            "Resource": ["arn:aws:s3:::aws-glue-*/*", "arn:aws:s3:::*/*aws-glue-*/*"],
        },
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": ["arn:aws:s3:::crawler-public*", "arn:aws:s3:::aws-glue-*"],
        },
        {
            "Effect": "Allow",
            "Action": [
                "logs:CreateLogGroup",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
                "logs:AssociateKmsKey",
            ],
            "Resource": "arn:aws:logs:*:*:*:/aws-glue/*",
        },
        {"Effect": "Allow", "Action": ["ec2:CreateTags", "ec2:DeleteTags"], "Resource": "*"},
    ],
    "AWSLakeFormationDataAdmin": [
        {
            "Effect": "Allow",
            "Action": [
                "lakeformation:*",
                "cloudtrail:DescribeTrails",
                "cloudtrail:LookupEvents",
                "glue:GetDatabase",
                "glue:GetDatabases",
                "glue:CreateDatabase",
                "glue:UpdateDatabase",
                "glue:DeleteDatabase",
                "glue:GetConnections",
                "glue:SearchTables",
                "glue:GetTable",
                "glue:CreateTable",
                "glue:UpdateTable",
                "glue:DeleteTable",
                "glue:GetTableVersions",
                "glue:GetPartitions",
                "glue:GetTables",
                "glue:ListWorkflows",
                "glue:BatchGetWorkflows",
                "glue:DeleteWorkflow",
                "glue:GetWorkflowRuns",
                "glue:StartWorkflowRun",
                "glue:GetWorkflow",
                "s3:ListBucket",
                "s3:GetBucketLocation",
                "s3:ListAllMyBuckets",
                "s3:GetBucketAcl",
                "iam:ListUsers",
                "iam:ListRoles",
                "iam:GetRole",
                "iam:GetRolePolicy",
            ],
            "Resource": "*",
        },
        {"Effect": "Deny", "Action": "lakeformation:PutDataLakeSettings", "Resource": "*"},
        # Its iam:PutRolePolicy on Lake Formation's service-linked role is left out: IAM refuses to change
        # the policies of a service-linked role, so that statement grants nothing.
        {"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": "*"},
    ],
    # A service-role policy (round 40): what Data Lifecycle Manager does with it (v8; its SSM statements are
    # in AWSDataLifecycleManagerSSMFullAccess). ModifySnapshotAttribute shares snapshots, as DLM's share rules
    # do; those shares are judged on the policy itself (disallow-public-data-access).
    "AWSDataLifecycleManagerServiceRole": [
        {
            "Effect": "Allow",
            "Action": [
                "ec2:CreateSnapshot",
                "ec2:CreateSnapshots",
                "ec2:DeleteSnapshot",
                "ec2:DescribeInstances",
                "ec2:DescribeVolumes",
                "ec2:DescribeSnapshots",
                "ec2:EnableFastSnapshotRestores",
                "ec2:DescribeFastSnapshotRestores",
                "ec2:DisableFastSnapshotRestores",
                "ec2:CopySnapshot",
                "ec2:ModifySnapshotAttribute",
                "ec2:DescribeSnapshotAttribute",
                "ec2:DescribeSnapshotTierStatus",
                "ec2:ModifySnapshotTier",
                "ec2:DescribeAvailabilityZones",
            ],
            "Resource": "*",
        },
        {"Effect": "Allow", "Action": ["ec2:CreateTags"], "Resource": "arn:aws:ec2:*::snapshot/*"},
        {
            "Effect": "Allow",
            "Action": [
                "events:PutRule",
                "events:DeleteRule",
                "events:DescribeRule",
                "events:EnableRule",
                "events:DisableRule",
                "events:ListTargetsByRule",
                "events:PutTargets",
                "events:RemoveTargets",
            ],
            "Resource": "arn:aws:events:*:*:rule/AwsDataLifecycleRule.managed-cwe.*",
        },
    ],
}


def managed_statements(arn: str) -> list[dict[str, Any]] | None:
    """Statements of an AWS-managed policy ARN (`arn:aws:iam::aws:policy/[path/]Name`); None if unknown."""
    return MANAGED.get(arn.rsplit("/", 1)[-1])


def is_managed(arn: str) -> bool:
    return arn.startswith("arn:aws:iam::aws:policy/")
