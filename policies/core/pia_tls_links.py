"""TLS of the links data-movement services open to other systems (round 27): Data Factory linked services and
Glue connections carry personal data between stores, so each is judged by what its protocol allows. Closed
world: a link type not listed here cannot be judged and blocks with the types that can."""

from __future__ import annotations

from typing import Any

from policies.core.view import ResourceView, is_unknown, unknown_message

LINKED_SERVICE = "azure-native:datafactory:LinkedService"
GLUE_CONNECTION = "aws:glue/connection:Connection"
RUNTIME = "azure-native:datafactory:IntegrationRuntime"
CONTROLS = frozenset({LINKED_SERVICE, GLUE_CONNECTION, RUNTIME})

# Azure services whose endpoints accept TLS 1.2 or newer only (HTTPS, or TDS with encryption enforced).
_AZURE_TLS_ONLY = frozenset(
    {
        "AzureBlobStorage", "AzureBlobFS", "AzureDataLakeStore", "AzureStorage", "AzureTableStorage",
        "AzureFileStorage", "AzureSqlDatabase", "AzureSqlMI", "AzureSqlDW", "AzureKeyVault", "CosmosDb",
        "AzureDataExplorer", "AzureSearch", "AzureFunction", "AzureDatabricks", "AzureDatabricksDeltaLake",
        "AzureMLService", "AzureBatch", "LakeHouse", "Warehouse", "AmazonS3",
    }
)  # fmt: skip
# Vendors whose endpoints accept TLS 1.2 or newer only (Snowflake: HTTPS with TLS 1.2+, round 29).
_VENDOR_TLS_ONLY = frozenset({"Snowflake", "SnowflakeV2"})
# SAP ECC and SAP Cloud for Customer are read through their OData services, over `url` (round 33).
_HTTP_TYPES = frozenset({"HttpServer", "RestService", "OData", "Web", "SapEcc", "SapCloudForCustomer"})
# Database drivers judged by their `sslMode` (round 29). The scales differ: MySQL and MariaDB count 0 disable,
# 1 prefer, 2 require, 3 verify-ca, 4 verify-full; PostgreSQL and Greenplum 0 disable, 1 allow, 2 prefer,
# 3 require, 4 verify-ca, 5 verify-full. "prefer" falls back to plain text, so the least accepted is require.
_SSL_MODE_FLOOR = {
    "MySql": 2,
    "MariaDB": 2,
    "AzureMariaDB": 2,
    "PostgreSqlV2": 3,
    "AzurePostgreSql": 3,
    "Greenplum": 3,
    "AzureMySql": 2,  # round 31: its connection string's SSLMode, on MySQL's scale
}
_REQUIRED_WORDS = frozenset(
    {
        "required",
        "require",
        "verifyca",
        "verify-ca",
        "verify_ca",
        "verifyfull",
        "verify-full",
        "verify_identity",
    }
)
_ENDPOINT_FIELDS = (
    "url",
    "serviceEndpoint",
    "connectionString",
    "sasUri",
    "baseUrl",
    "endpoint",
    "serviceUrl",
)
_JUDGED = (
    "Azure's TLS-only services (Blob, Data Lake, SQL, Key Vault, Cosmos DB, …), FtpServer with enableSsl, "
    "HttpServer/RestService/OData/Web/SapEcc/SapCloudForCustomer on https://, SftpServer, SqlServer with "
    "encrypt mandatory or strict, Snowflake, MySql/MariaDB/PostgreSqlV2/AzurePostgreSql/Greenplum/AzureMySql "
    "with sslMode require or stricter, Oracle and Teradata version 2.0 (encryption required; sslMode Require "
    "or stricter), SapTable and SapOdp with SNC on at quality of protection 3 (privacy)"
)


def _text(value: Any) -> str:
    """A linked-service value as text: a secure string's value, a plain string, else ''."""
    if isinstance(value, dict) and value.get("type") == "SecureString":
        value = value.get("value")
    return value if isinstance(value, str) else ""


def _expression(value: Any) -> bool:
    return is_unknown(value) or (isinstance(value, str) and value.startswith("@")) or isinstance(value, dict)


def _plain_endpoints(props: dict[str, Any], skip: tuple[str, ...] = ()) -> list[str]:
    """Endpoints written with plain http (or a storage connection string asking for it)."""
    inner = props.get("typeProperties") if isinstance(props.get("typeProperties"), dict) else {}
    out = []
    for f in (f for f in _ENDPOINT_FIELDS if f not in skip):
        text = _text(props.get(f, inner.get(f))).replace(" ", "").lower()
        if text.startswith("http://") or "defaultendpointsprotocol=http;" in text:
            out.append(
                f"`properties.{f}` uses plain http: the data crosses the network without TLS; use https"
            )
    return out


def _http(props: dict[str, Any]) -> list[str]:
    inner = props.get("typeProperties") if isinstance(props.get("typeProperties"), dict) else {}
    url = props.get("url", inner.get("url"))
    if is_unknown(url):
        return [unknown_message("properties.url", "whether the link uses https")]
    if _expression(url) or not isinstance(url, str):
        return ["`properties.url` is not a literal URL, so whether the link uses https cannot be judged"]
    return [] if url.lower().startswith("https://") else [f"`properties.url` is {url!r}: use https://"]


def _ftp(props: dict[str, Any]) -> list[str]:
    ssl = props.get("enableSsl", True)  # the service's default is true
    if _expression(ssl):
        return ["`properties.enableSsl` is not a literal, so whether FTP runs over TLS cannot be judged"]
    if ssl in (False, "false", "False"):
        return ["`properties.enableSsl` is false: FTP sends the files and the password in plain text"]
    return []


def _sql_server(props: dict[str, Any]) -> list[str]:
    enc = props.get("encrypt")
    conn = _text(props.get("connectionString")).replace(" ", "").lower()
    if str(enc).lower() in ("mandatory", "strict", "true") or any(
        f"encrypt={v}" in conn for v in ("true", "mandatory", "strict", "yes")
    ):
        return []
    return ["SQL Server linked service without `encrypt` mandatory or strict: TDS may run unencrypted"]


def _ssl_mode(kind: str, props: dict[str, Any]) -> list[str]:
    """A database link whose `sslMode` (or the connection string's SslMode) requires TLS."""
    inner = props.get("typeProperties") if isinstance(props.get("typeProperties"), dict) else {}
    mode = props.get("sslMode", inner.get("sslMode"))
    conn = _text(props.get("connectionString", inner.get("connectionString"))).replace(" ", "").lower()
    if mode is None and "sslmode=" in conn:
        mode = conn.split("sslmode=", 1)[1].split(";", 1)[0]
    if _expression(mode):
        return ["`properties.sslMode` is not a literal, so whether the driver requires TLS cannot be judged"]
    floor = _SSL_MODE_FLOOR[kind]
    if mode is None:
        return [
            f"`properties.sslMode` is not set: the {kind} driver's default prefers TLS but falls back to "
            "plain text, and the personal data may cross the network without it; set require or verify-full"
        ]
    text = str(mode).strip().lower()
    if (text.isdigit() and int(text) >= floor) or text in _REQUIRED_WORDS:
        return []
    return [
        f"`properties.sslMode` is {mode!r} on the {kind} scale: below {floor} (require) the driver may fall "
        "back to plain text and the personal data crosses the network without TLS; set require or verify-full"
    ]


def _v2(kind: str, props: dict[str, Any]) -> list[str]:
    """Oracle and Teradata are judged on their version 2.0 settings; version 1.0 keeps them in an ODBC
    connection string whose options the gate does not read."""
    if str(props.get("version")) == "2.0":
        return []
    return [
        f"{kind} linked service version {props.get('version')!r}: only version 2.0 states its encryption in "
        "fields the gate reads (version 1.0 hides it in a connection string); set version '2.0'"
    ]


def _oracle(props: dict[str, Any]) -> list[str]:
    """Oracle's native network encryption (version 2.0): required, with AES and SHA-2 checksums. Unset
    fields take the connector's defaults (required, AES256, SHA512)."""
    if out := _v2("Oracle", props):
        return out
    checks = (
        ("encryptionClient", "required", None),
        ("encryptionTypesClient", None, ("AES128", "AES192", "AES256")),
        ("cryptoChecksumClient", "required", None),
        ("cryptoChecksumTypesClient", None, ("SHA256", "SHA384", "SHA512")),
    )
    for key, word, allowed in checks:
        value = props.get(key)
        if value is None:
            continue
        if _expression(value) or not isinstance(value, str):
            return [f"`properties.{key}` is not a literal, so the link's encryption cannot be judged"]
        names = [x for x in value.strip("() ").replace(" ", "").upper().split(",") if x]
        if (word and value.strip().lower() != word) or (allowed and not set(names) <= set(allowed)):
            want = f"'{word}'" if word else " or ".join(allowed or ())
            return [
                f"`properties.{key}` is {value!r}: Oracle may then carry the personal data unencrypted or "
                f"with a weak algorithm; set {want} (or leave it out: the connector's default)"
            ]
    return []


def _teradata(props: dict[str, Any]) -> list[str]:
    """Teradata version 2.0: `sslMode` Require, Verify-CA or Verify-Full (unset: Verify-Full)."""
    if out := _v2("Teradata", props):
        return out
    mode = props.get("sslMode")
    if mode is None:
        return []
    if _expression(mode) or not isinstance(mode, str):
        return ["`properties.sslMode` is not a literal, so whether the driver requires TLS cannot be judged"]
    if mode.strip().lower() in ("require", "verify-ca", "verify-full"):
        return []
    return [
        f"`properties.sslMode` is {mode!r}: Teradata then allows plain text; set Require, Verify-CA or "
        "Verify-Full (or leave it out: Verify-Full)"
    ]


def _sap_snc(kind: str, props: dict[str, Any]) -> list[str]:
    """SapTable / SapOdp over RFC: SNC on with quality of protection 3 (privacy, i.e. encrypted); 1 and 2
    authenticate or sign only, 8 and 9 depend on the SAP profile and library, outside the program."""
    mode, qop = props.get("sncMode"), props.get("sncQop")
    if str(mode).lower() in ("true", "1") and str(qop) == "3":
        return []
    return [
        f"{kind} linked service with sncMode {mode!r} and sncQop {qop!r}: RFC then carries the personal "
        "data unencrypted or by a profile outside the program; set sncMode true and sncQop '3' (privacy)"
    ]


def linked_service(v: ResourceView) -> list[str]:
    """A Data Factory linked service moves data over a TLS 1.2 link: by its type, and never plain http."""
    props = v.input("properties")
    if is_unknown(props) or not isinstance(props, dict):
        return [unknown_message("properties", "the link's transport security")]
    kind = props.get("type")
    if kind in _HTTP_TYPES:
        return _plain_endpoints(props, skip=("url",)) + _http(props)
    out = _plain_endpoints(props)
    if kind in _AZURE_TLS_ONLY or kind in _VENDOR_TLS_ONLY or kind == "SftpServer":
        return out
    if kind in _SSL_MODE_FLOOR:
        return out + _ssl_mode(kind, props)
    if kind == "FtpServer":
        return out + _ftp(props)
    if kind == "SqlServer":
        return out + _sql_server(props)
    if kind == "Oracle":
        return out + _oracle(props)
    if kind == "Teradata":
        return out + _teradata(props)
    if kind in ("SapTable", "SapOdp"):
        return out + _sap_snc(kind, props)
    return [*out, f"linked service type {kind!r} cannot be judged for TLS; the gate judges {_JUDGED}"]


def _is_true(props: dict[str, Any], key: str) -> bool:
    return str(props.get(key, "")).lower() == "true"


def glue_connection(v: ResourceView) -> list[str]:
    """A Glue connection to a database or broker enforces TLS: JDBC_ENFORCE_SSL / KAFKA_SSL_ENABLED "true";
    a NETWORK connection only places Glue in a subnet (the stores it reaches are judged)."""
    kind = v.input("connectionType") or "JDBC"
    props = v.input("connectionProperties")
    if is_unknown(kind) or is_unknown(props):
        return [unknown_message("connectionProperties", "the connection's transport security")]
    props = props if isinstance(props, dict) else {}
    if kind == "NETWORK":
        return []
    if kind == "JDBC":
        ok = _is_true(props, "JDBC_ENFORCE_SSL")
        return [] if ok else ['`JDBC_ENFORCE_SSL` is not "true": Glue may read the database without TLS']
    if kind == "KAFKA":
        ok = _is_true(props, "KAFKA_SSL_ENABLED")
        return [] if ok else ['`KAFKA_SSL_ENABLED` is not "true": Glue may read the topics without TLS']
    return [
        f"connection type {kind!r} cannot be judged for TLS; the gate judges JDBC (JDBC_ENFORCE_SSL), KAFKA "
        "(KAFKA_SSL_ENABLED) and NETWORK connections"
    ]


def integration_runtime(v: ResourceView) -> list[str]:
    """Round 33: a runtime only carries what its linked services open (each judged above): a Managed
    (Azure) runtime without SSIS and a SelfHosted runtime of this factory. An SSIS runtime (a catalog
    database, setup scripts, a joined virtual network) or one shared from another factory's nodes
    (`linkedInfo`) is not judged."""
    props = v.input("properties")
    if is_unknown(props) or not isinstance(props, dict):
        return [unknown_message("properties", "how the runtime reaches the stores")]
    kind = props.get("type")
    if (kind == "SelfHosted" and not props.get("linkedInfo")) or (
        kind == "Managed" and not props.get("ssisProperties")
    ):
        return []
    what = "shared from another factory (`linkedInfo`)" if kind == "SelfHosted" else "running SSIS"
    what = what if kind in ("SelfHosted", "Managed") else f"of type {kind!r}"
    return [
        f"the integration runtime is {what}: what it keeps and how it reaches the stores cannot be judged; "
        "use a Managed runtime without `ssisProperties` or a SelfHosted runtime of this factory, whose "
        "linked services are judged one by one"
    ]


TLS_CHECKS = {LINKED_SERVICE: linked_service, GLUE_CONNECTION: glue_connection, RUNTIME: integration_runtime}
