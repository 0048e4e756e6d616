"""Record a Pulumi Python program's resource graph offline, the way `pulumi preview` would register it.

The program runs in-process under the SDK's mock monitor (`pulumi.runtime.set_mocks` machinery) in
preview mode. A monitor subclass intercepts every RegisterResource / ReadResource /
RegisterResourceOutputs request, so the record holds the serialized inputs exactly as the engine would
receive them: unknowns as the UNKNOWN sentinel, secrets as the secret signature object, plus parent,
provider, dependencies and property dependencies. Default providers are synthesized from stack config
like the engine does (`pulumi:providers:<pkg>::default_<version>`), so every custom resource has an
effective provider whose region is known (or visibly unknown).

This module is the public face; the parts live in:
- gate.wire         values on the engine's wire (the SDK's sentinels, secrets, Struct conversion)
- gate.redaction    secrets replaced before anything is written
- gate.graph        RecordedResource / Graph and the checkpoint (v3) form
- gate.stack_config stack config as the engine hands it to a program
- gate.recorder     registrations -> Graph (URNs, default providers, stack references)
- gate.monitor      the mock monitor and engine the program talks to
- gate.sdk_patches  SDK seams changed while a program runs
- gate.driver       running a program or callable under all of the above
"""

from __future__ import annotations

from gate.driver import record_callable, record_main, record_program
from gate.graph import (
    PROVIDER_PREFIX,
    REGION_KEYS,
    STACK_REFERENCE_TYPE,
    STACK_TYPE,
    Graph,
    RecordedResource,
    checkpoint_identity,
    checkpoint_resources,
    provider_urn,
)
from gate.recorder import outputs_from_state_file
from gate.redaction import REDACTED, redact
from gate.stack_config import normalize_config
from gate.wire import (
    RESOURCE_SIG,
    SECRET_SIG,
    SIG_KEY,
    UNKNOWN,
    is_secret,
    is_unknown,
    plain_to_struct,
    secret,
    struct_to_plain,
)

__all__ = [
    "PROVIDER_PREFIX", "REDACTED", "REGION_KEYS", "RESOURCE_SIG", "SECRET_SIG", "SIG_KEY",
    "STACK_REFERENCE_TYPE", "STACK_TYPE", "UNKNOWN", "Graph", "RecordedResource", "checkpoint_identity",
    "checkpoint_resources",
    "is_secret", "is_unknown", "normalize_config", "outputs_from_state_file", "plain_to_struct",
    "provider_urn", "record_callable", "record_main", "record_program", "redact", "secret",
    "struct_to_plain",
]
