"""What an IAM action's name says it writes (residency rounds 63, 64, 66): data a request carries into a
store, or no data (settings, and where something is delivered).

grant_patterns.py judges a data write on a pattern by the stores its ARN may name, redirect_grants.py judges
the other changes as aims; both read the names here, from the IAM catalogue's access level and the verb and
noun of the action's name.
"""

from __future__ import annotations

import re

from policies.core.iam.catalogue import access_level

# What a data-writing action no row lists is called: the verb a store's data plane uses for what it receives
# (round 64: also uploads, inserts, ingests, invocations, posts and appends) ...
DATA_VERB = re.compile(r"^(?:batch)?(?:put|send|write|publish|upload|insert|ingest|invoke|post|append)")
# ... or, whatever the verb (`CreatePartition`, `UpdateItem`, `UpdateRecords`), what it writes, unless the
# verb only removes, stops or reads (`DeleteRecord`; the catalogue files a few reads, `backup-storage:
# ListObjects`, as `Write`); metadata is the store's, not the request's.
DATA_NOUN = re.compile(
    r"(?:item|record|row|partition|message|object|document|media|archive|(?<!meta)data)s?$")
_NO_PAYLOAD = re.compile(r"^(?:batch)?(?:delete|remove|purge|redact|abort|cancel|stop|get|list|describe)")
# `Put…` actions of the `Write` level the gate knows store no data a request carries, with why: a CloudWatch
# dashboard is the account's global layout of widgets over metrics (no region, no resource policy), which
# the operator role, with no data access, keeps (components/aws/role_specs.py). Round 64: an alarm (metric,
# composite) holds a threshold over the region's metrics and the ARNs it notifies, a log group's retention
# and metric filters are settings of the group; none copies a log event or a metric anywhere (a
# subscription filter, a logs destination, an account policy or a metric stream does: they stay judged).
# Round 69: an ECS account setting (`PutAccountSetting`, `…Default`: ARN formats, trunking, Container
# Insights, FIPS, a retirement wait; pulumi_aws.ecs.AccountSettingDefault) switches the caller's own account.
NOT_DATA = frozenset({"cloudwatch:putdashboard", "cloudwatch:putmetricalarm", "cloudwatch:putcompositealarm",
                      "logs:putretentionpolicy", "logs:putmetricfilter",
                      "ecs:putaccountsetting", "ecs:putaccountsettingdefault"})
# Round 66's probe: a `Put…` that names no data (`config:PutDeliveryChannel`, `backup:PutBackupVault
# Notifications`, `wafv2:PutLoggingConfiguration`) sets where something is delivered: judged on a pattern as
# every `Put…` is, and as an aim on any ARN. What a data-plane `Put…` carries, beyond the nouns above: events,
# trace segments and spans, values, parameters, inventory, vectors, chunks, files, metrics, images, blocks,
# attributes, batches of records (read off the catalogue's 373 such actions).
_PUT = re.compile(r"^(?:batch)?put")
_PUT_DATA = re.compile(
    r"(?:event|segment|span|value|parameter|inventory|vector|chunk|file|metric|image|block|attribute|batch)s?$")


def writes_data(action: str) -> bool:
    """A data-writing action by its catalogue access level (`Write`) and a data verb or noun."""
    name = action.partition(":")[2]
    return (action not in NOT_DATA and access_level(action) == "Write"
            and bool(DATA_VERB.match(name) or (DATA_NOUN.search(name) and not _NO_PAYLOAD.match(name))))


def names_data(action: str) -> bool:
    """Not a `Put…` whose noun names no data (round 66's probe)."""
    name = action.partition(":")[2]
    return not _PUT.match(name) or bool(DATA_NOUN.search(name) or _PUT_DATA.search(name))
