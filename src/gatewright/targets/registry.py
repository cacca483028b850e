"""The target kinds this gateway knows, and the checks that apply to every kind."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from gatewright.errors import ValidationError
from gatewright.settings import Settings
from gatewright.targets.base import TargetConfig, TargetKind

JSON = dict[str, Any]
NO_AUTH = "NONE"
# Credential provider types the outbound layer can apply (auth/outbound).
IMPLEMENTED_CREDENTIALS: frozenset[str] = frozenset(
    {NO_AUTH, "API_KEY", "OAUTH", "GATEWAY_IAM_ROLE", "JWT_PASSTHROUGH"}
)


def target_config(target_id: str, gateway_id: str, doc: JSON, kind: TargetKind) -> TargetConfig:
    return TargetConfig(
        target_id=target_id,
        name=doc["name"],
        gateway_id=gateway_id,
        config=doc["targetConfiguration"]["mcp"][kind.config_key],
        credential_providers=list(doc.get("credentialProviderConfigurations") or []),
        metadata=doc.get("metadataConfiguration"),
    )


class TargetKinds:
    def __init__(self, kinds: Sequence[TargetKind]) -> None:
        self._by_key = {k.config_key: k for k in kinds}

    def __iter__(self) -> Iterator[TargetKind]:
        return iter(self._by_key.values())

    def kind_of(self, target_configuration: JSON) -> TargetKind:
        if "mcp" not in target_configuration:
            other = next(iter(target_configuration), "?")
            raise ValidationError.for_field(
                f"targetConfiguration.{other}", f"{other} targets are not supported yet; use targetConfiguration.mcp"
            )
        mcp = target_configuration["mcp"]
        key = next(iter(mcp), "")
        kind = self._by_key.get(key)
        if kind is None:
            raise ValidationError.for_field(
                f"targetConfiguration.mcp.{key}", f"{key} targets are not supported yet by this gateway"
            )
        return kind

    def check_target(self, params: JSON, gateway_doc: JSON) -> None:
        """Request-time checks for Create/UpdateGatewayTarget (raises ValidationError)."""
        kind = self.kind_of(params["targetConfiguration"])
        for field in ("privateEndpoint", "certificateConfigurations"):
            if params.get(field) is not None:
                raise ValidationError.for_field(field, f"{field} is not supported yet by this gateway")
        providers = params.get("credentialProviderConfigurations") or []
        used = providers[0]["credentialProviderType"] if providers else NO_AUTH
        if used not in kind.credential_types:
            allowed = ", ".join(sorted(kind.credential_types))
            raise ValidationError.for_field(
                "credentialProviderConfigurations",
                f"{kind.target_type} targets cannot use {used} outbound auth (allowed: {allowed})",
            )
        if used not in IMPLEMENTED_CREDENTIALS:
            raise ValidationError.for_field(
                "credentialProviderConfigurations", f"{used} outbound auth is not supported yet by this gateway"
            )
        doc = {"name": params.get("name") or "target", **params}
        kind.validate(target_config("", "", doc, kind))

    async def precheck(self, params: JSON, settings: Settings) -> None:
        """Checks against the upstream (kinds with a ``precheck``, see base.PrecheckingKind), after check_target."""
        kind = self.kind_of(params["targetConfiguration"])
        check = getattr(kind, "precheck", None)
        if check is not None:
            await check(target_config("", "", {"name": params.get("name") or "target", **params}, kind), settings)
