"""Process settings: flags override ``GATEWRIGHT_*`` environment variables, which override defaults.

Secrets are held as :class:`Secret` so that ``repr`` and logs never show them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

PREFIX = "GATEWRIGHT_"


class Secret:
    """A string that does not print itself."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')" if self._value else "Secret('')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def _csv(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    data_dir: Path = Path("data")
    # The URL clients use to reach this process; derived from host and port when empty.
    public_url: str = ""
    # Where state lives: empty means SQLite in the data folder; or postgresql://user@host:port/db
    database_url: str = ""
    region: str = "us-east-1"
    account_id: str = "123456789012"
    admin_access_key_id: str = ""
    admin_secret_access_key: Secret = field(default_factory=lambda: Secret(""))
    log_level: str = "INFO"
    # tools/list page size when the gateway does not disable pagination.
    tools_page_size: int = 100
    # Largest accepted MCP request body (AgentCore's payload quota is 6 MB).
    max_body_bytes: int = 6 * 1024 * 1024
    allowed_origins: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ()
    upstream_timeout_seconds: float = 30.0
    upstream_connect_timeout_seconds: float = 5.0
    upstream_max_connections: int = 256
    upstream_max_response_bytes: int = 6 * 1024 * 1024
    # How often a process looks for configuration written by other processes sharing the store.
    change_poll_seconds: float = 1.0
    # Largest OpenAPI or Smithy document read for a target.
    max_spec_bytes: int = 50 * 1024 * 1024
    # OpenAPI import (docs/openapi.md): tools per target (AgentCore's quota is 1000), schema bytes per tool,
    # seconds per import, and the base URLs external $refs may be fetched from (none: never fetched).
    max_tools_per_target: int = 1000
    openapi_max_schema_bytes: int = 48 * 1024
    openapi_import_seconds: float = 120.0
    openapi_ref_base_urls: tuple[str, ...] = ()
    # API Gateway targets call this template instead of https://{restApiId}.execute-api.{region}.amazonaws.com/{stage}
    # (placeholders {restApiId}, {region}, {stage}): LocalStack, a custom domain, a local stand-in (docs/apigateway.md).
    apigateway_invoke_url: str = ""
    session_idle_seconds: int = 3600
    # Lambda targets (docs/lambda.md): the local functions folder (empty: <data dir>/functions); where a lambdaArn
    # runs (auto: a local function when the folder has it, else AWS; local; aws); a local invocation's limits.
    functions_dir: str = ""
    lambda_mode: str = "auto"
    functions_timeout_seconds: float = 30.0
    functions_memory_mb: int = 512
    # Key(s) that encrypt secrets at rest (comma-separated Fernet keys, newest first); default: a key file
    # in the data folder, created on first start.
    master_key: Secret = field(default_factory=lambda: Secret(""))
    # Lifetime of access tokens issued by the built-in OAuth issuer.
    issuer_token_seconds: int = 3600
    # Clock skew tolerated when checking token times (exp, nbf, iat).
    jwt_leeway_seconds: int = 60
    # Least time between two fetches of an OpenID provider's JWKS caused by tokens with an unknown kid.
    jwks_min_refresh_seconds: float = 30.0
    # Tool search of SEMANTIC gateways (docs/search.md): auto (embeddings when gatewright[search] is installed,
    # else lexical), lexical, or minilm.
    search_backend: str = "auto"

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = self.host
        if host in ("0.0.0.0", "::", ""):  # noqa: S104 - only used to build a URL
            host = "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "gatewright.db"

    @property
    def functions_path(self) -> Path:
        return Path(self.functions_dir) if self.functions_dir else self.data_dir / "functions"

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from ``env`` (default ``os.environ``) and explicit overrides (flags)."""
        source = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = source.get(PREFIX + f.name.upper())
            if raw is None:
                continue
            values[f.name] = _convert(f.name, f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        for name in ("admin_secret_access_key", "master_key"):
            if isinstance(values.get(name), str):
                values[name] = Secret(values[name])
        if isinstance(values.get("data_dir"), str):
            values["data_dir"] = Path(values["data_dir"])
        return replace(cls(), **values)


def _convert(name: str, annotation: Any, raw: str) -> Any:
    kind = str(annotation)
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "Path":
            return Path(raw)
        if kind == "Secret":
            return Secret(raw)
        if kind.startswith("tuple"):
            return _csv(raw)
    except ValueError as exc:
        raise SystemExit(f"{PREFIX}{name.upper()}: cannot read {raw!r}: {exc}") from None
    return raw
