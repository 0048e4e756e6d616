"""What an input key says about its value: a region, bucket or destination field, or one that describes.

Keys recur on every resource, so each is classified once (cached per key); the reference scanner
(policies/core/references.py) reads a value by the kind of the key it sits under.
"""

from __future__ import annotations

import functools
import re
from typing import Any

# A region field or a list of regions (`managedVirtualNetworkRegions`), a setting `…_LOCATION_NAME` (round 50:
# a Logic App Standard's managed connections' region); not content/manifest paths, sign-in conditions
# (Conditional Access `includedLocations`/`excludedLocations`) nor a postal `countryOrRegion`.
_REGION_KEY = re.compile(
    r"(?i)(?<!content)(?<!manifest)(?<!luded)(?<!countryor)(regions?|locations?)(_?names?)?$")
# Fields whose value can be a destination: an unknown or unreadable secret value there fails closed.
_DEST_KEY = re.compile(
    r"(?i)(arn|endpoint|url|uri|host|bucket|destination|target|region|location|server|address|topic|queue|"
    r"stream|sink|workspace|peer|remote|partner|sourceid|resourceid|storageaccount|eventhub|connection|"
    r"hook|dsn|broker|bootstrap|callback|collector|ingest|forward|relay|proxy|smtp|sftp|notif|export|upload)"
)
# A field naming a kind or size, not a place (`hostInstanceType: mq.m5.large`, round 23): not a destination
# field for its destination word (a dotted instance type is no host; a URL or listed-TLD host still is).
_KIND_KEY = re.compile(r"(?i)(type|class|size|sku|tier)$")
# Keys that describe rather than direct: tag maps, free text, container images (where code is pulled from,
# not where data goes), DNS zone names (the zone a record lives in: DNS is location-free). A key can also be
# a user-chosen map key (an environment variable named `description`), so only a value of the expected shape
# is skipped (see skipped): prose for free text, an image reference without a scheme, a zone name.
SKIP_KEYS = frozenset({"description", "displayName", "$schema"})
_TAG_KEYS = frozenset({"tags", "tagsAll"})
_IMAGE_KEYS = frozenset({"image", "imageUri"})
_ZONE_KEYS = frozenset({"zoneName", "privateZoneName"})
# A sign-in name (an Entra UPN, a database's directory administrator): an identity in the directory, where no
# mail is sent (round 25); only a value that is exactly one mail address is skipped.
_SIGN_IN_KEYS = frozenset({"userPrincipalName", "principalName", "login", "loginName", "upn", "signInName"})
_SIGN_IN = re.compile(r"^[\w.+#-]+@(?:[a-z0-9-]+\.)+[a-z]{2,}$", re.I)
DESCRIBING = SKIP_KEYS | _TAG_KEYS | _IMAGE_KEYS | _ZONE_KEYS | _SIGN_IN_KEYS  # skipped: False for others
_POINTER = re.compile(r"://|\barn:|/subscriptions/", re.I)
_BUCKET_KEY = re.compile(r"(?i)bucket(name)?$")
# Organizations' value-setting inheritance operators (`"regions": {"@@assign": [...]}` in a backup policy,
# round 73): what they hold is the value of the field above them, read by that field's kind (a region there
# that is no region blocks). `@@remove` takes values away and sends nothing, so it keeps its own reading.
SETTING_OPERATORS = frozenset({"@@assign", "@@append"})
# The `name` of an element of a region list is a region (a gallery image's `targetRegions[].name`).
IN_REGION_LIST = re.compile(r"(?i)(regions|locations)\.\d+$")


@functools.lru_cache(maxsize=4096)
def key_kind(key: str) -> tuple[bool, bool, bool]:
    """(region field, bucket field, destination field) of an input key, computed once per key."""
    dest = bool(_DEST_KEY.search(key)) and not _KIND_KEY.search(key)
    return (bool(_REGION_KEY.search(key)), bool(_BUCKET_KEY.search(key)), dest)


@functools.lru_cache(maxsize=4096)
def free_text(key: str) -> bool:
    """Free-text fields (alarmDescription, comment, ...) describe; they direct nothing."""
    return key.lower().endswith(("description", "comment", "displayname", "notes"))


def skipped(key: str, value: Any, top: bool) -> bool:
    """A describing field with a describing value (never a value that could be a destination in disguise).
    A resource's own free text is prose whatever it says; deeper down, a key may be user-chosen (an
    environment variable named `description`), so only prose naming no URL, ARN or Azure id is skipped."""
    if key in _TAG_KEYS:
        return not isinstance(value, str)  # a tag map or list; a string named `tags` is judged like any
    if key in _IMAGE_KEYS:
        return isinstance(value, str) and "://" not in value
    if key in _ZONE_KEYS:
        return isinstance(value, str) and "/" not in value and "@" not in value
    if key in _SIGN_IN_KEYS:
        return isinstance(value, str) and _SIGN_IN.match(value) is not None
    if key in SKIP_KEYS or free_text(key):
        if not isinstance(value, str):  # structure under a prose-like name (captureDescription)
            return False
        return top or (" " in value.strip() and not _POINTER.search(value))
    return False
