"""Controller-held keys on AWS: a KMS custom key store (XKS or CloudHSM) or imported key material.

R2016: "the encryption key must not be in the hands of the cloud provider".
- `xks`: an External Key Store. The key material never enters AWS: every encrypt/decrypt goes to the
  controller's XKS proxy in front of its own HSM, reached through a VPC endpoint service (the proxy's
  network load balancer sits behind the site-to-site link). Turning the proxy off makes every ciphertext
  unreadable to AWS - the strongest control, and an availability dependency (see docs/sovereignty.md).
- `cloudhsm`: a CloudHSM key store. Single-tenant HSMs in the controller's VPC; AWS operates the
  hardware but cannot use the keys (the controller's crypto officer sets the `kmsuser` password).
- `byok-import`: KMS keys with origin EXTERNAL. The controller generates the material in its HSM and
  imports it wrapped (GetParametersForImport / ImportKeyMaterial, never through Pulumi state), may set
  it to expire and can delete it at will; AWS holds a copy while it is imported.
Keys in a custom key store cannot use KMS automatic rotation: the controller rotates in its key manager.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_random as random

import components.aws.policy as policy
from components.aws.common import child, kept
from components.aws.keys import CustomerKeyArgs, key_policy_statements

STORE_CUSTODIES = ("xks", "cloudhsm")
KEY_CUSTODIES = (*STORE_CUSTODIES, "byok-import")


@dataclass
class ControllerKeyStoreArgs:
    custody: str
    """`xks` or `cloudhsm`."""
    store_name: str
    """Name of the custom key store."""
    xks_proxy_uri_endpoint: str | None = None
    """XKS: https://<private DNS name of the proxy> as served by the VPC endpoint service."""
    xks_proxy_uri_path: str = "/kms/xks/v1"
    """XKS: base path of the proxy API."""
    xks_vpc_endpoint_service_name: str | None = None
    """XKS: com.amazonaws.vpce.<region>.vpce-svc-... of the controller's proxy (over the private link)."""
    cloud_hsm_cluster_id: str | None = None
    """CloudHSM: cluster of the controller (cluster-...)."""
    trust_anchor_certificate: str | None = None
    """CloudHSM: PEM of the cluster's trust anchor (customerCA.crt)."""
    credential_rotation: int = 0
    """Bump to rotate the proxy credential / kmsuser password (then reconfigure the proxy / HSM)."""


class ControllerKeyStore(pulumi.ComponentResource):
    """The custom key store; its credential is generated here and configured at the proxy / HSM."""

    def __init__(self, name: str, args: ControllerKeyStoreArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:aws:ControllerKeyStore", name, None, opts)
        keepers = {"rotation": str(args.credential_rotation)}
        store: dict[str, Any]
        if args.custody == "xks":
            if not (args.xks_proxy_uri_endpoint or "").startswith("https://"):
                raise ValueError(f"ControllerKeyStore {name}: xks_proxy_uri_endpoint must be https://...")
            if not (args.xks_vpc_endpoint_service_name or "").startswith("com.amazonaws.vpce."):
                raise ValueError(f"ControllerKeyStore {name}: xks_vpc_endpoint_service_name is required")
            # XKS credential: access key id 20-30 of A-Z2-7, secret 43-64 base64 characters.
            key_id = random.RandomString(f"{name}-xks-id", length=24, upper=True, lower=False, numeric=False,
                                         special=False, keepers=keepers, opts=child(self))
            secret = random.RandomPassword(f"{name}-xks-secret", length=64, special=False, keepers=keepers,
                                           opts=child(self))
            store = {
                "custom_key_store_type": "EXTERNAL_KEY_STORE",
                "xks_proxy_connectivity": "VPC_ENDPOINT_SERVICE",
                "xks_proxy_uri_endpoint": args.xks_proxy_uri_endpoint,
                "xks_proxy_uri_path": args.xks_proxy_uri_path,
                "xks_proxy_vpc_endpoint_service_name": args.xks_vpc_endpoint_service_name,
                "xks_proxy_authentication_credential": {
                    "access_key_id": key_id.result,
                    "raw_secret_access_key": pulumi.Output.secret(secret.result),
                },
            }
        elif args.custody == "cloudhsm":
            cluster = args.cloud_hsm_cluster_id or ""
            if not cluster.startswith("cluster-") or not args.trust_anchor_certificate:
                raise ValueError(f"ControllerKeyStore {name}: cloud_hsm_cluster_id and trust anchor required")
            password = random.RandomPassword(f"{name}-kmsuser", length=32, special=False, keepers=keepers,
                                             opts=child(self))
            store = {
                "custom_key_store_type": "AWS_CLOUDHSM",
                "cloud_hsm_cluster_id": args.cloud_hsm_cluster_id,
                "trust_anchor_certificate": args.trust_anchor_certificate,
                "key_store_password": pulumi.Output.secret(password.result),
            }
        else:
            raise ValueError(f"ControllerKeyStore {name}: custody must be one of {STORE_CUSTODIES}")
        self.store = aws.kms.CustomKeyStore(
            name, custom_key_store_name=args.store_name, opts=kept(self), **store
        )
        self.id = self.store.id
        self.register_outputs({"customKeyStoreId": self.store.id})


class ControllerKey(pulumi.ComponentResource):
    """One key per purpose, held by the controller, with the same separated key policy as CustomerKey.

    `store` given: a KMS key in that custom key store (`xks_key_id` names the key at the controller for
    XKS). No store: origin EXTERNAL, created without material (the controller imports it out of band).
    """

    def __init__(self, name: str, args: CustomerKeyArgs, store: ControllerKeyStore | None = None,
                 xks_key_id: str | None = None, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:aws:ControllerKey", name, None, opts)
        doc = policy.document(*key_policy_statements(name, args))
        tags = {**args.tags, "purpose": args.purpose}
        description = f"e-loket {args.purpose} key (controller-held)"
        self.key: aws.kms.Key | aws.kms.ExternalKey
        if store is None:
            self.key = aws.kms.ExternalKey(
                name, description=description, key_usage="ENCRYPT_DECRYPT", key_spec="SYMMETRIC_DEFAULT",
                multi_region=False, deletion_window_in_days=args.deletion_window_in_days, policy=doc,
                tags=tags, opts=kept(self),
            )
        else:
            self.key = aws.kms.Key(
                name, description=description, custom_key_store_id=store.id, xks_key_id=xks_key_id,
                key_usage="ENCRYPT_DECRYPT", customer_master_key_spec="SYMMETRIC_DEFAULT",
                multi_region=False, deletion_window_in_days=args.deletion_window_in_days, policy=doc,
                tags=tags, opts=kept(self, depends_on=[store.store]),
            )
        self.alias = aws.kms.Alias(
            name, name=f"alias/eloket/{args.purpose}", target_key_id=self.key.id, opts=child(self)
        )
        self.arn = self.key.arn
        self.register_outputs({"arn": self.key.arn})
