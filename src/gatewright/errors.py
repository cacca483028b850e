"""One error tree for the whole gateway.

Every error carries a stable ``code`` (the AWS error type for control-plane errors), an HTTP status and a
message that is safe to show to the caller. Each surface renders these in one place:

* ``control/wire.py`` renders them as AWS REST-JSON errors (``x-amzn-ErrorType``, ``message``,
  ``reason``/``fieldList``);
* ``mcp/jsonrpc.py`` has its own protocol errors (``JsonRpcError``) with JSON-RPC codes;
* target kinds raise ``targets.base.TargetError``, which the catalog turns into ``isError`` tool results.

Upstream library exceptions (aiohttp, botocore, psycopg) never cross a layer: the module that calls the
library translates them into one of these.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldError:
    name: str
    message: str


class GatewrightError(Exception):
    code = "InternalServerException"
    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class _ValidationDetail:
    reason: str = "FieldValidationFailed"
    fields: list[FieldError] = field(default_factory=list)


class ValidationError(GatewrightError):
    """400 ValidationException; ``reason`` is one of the model's ValidationExceptionReason values."""

    code = "ValidationException"
    status = 400

    def __init__(
        self, message: str, *, reason: str = "FieldValidationFailed", fields: list[FieldError] | None = None
    ) -> None:
        super().__init__(message)
        self.detail = _ValidationDetail(reason, list(fields or []))

    @classmethod
    def for_field(cls, name: str, message: str) -> ValidationError:
        return cls(f"1 validation error detected: {name}: {message}", fields=[FieldError(name, message)])


class NotFoundError(GatewrightError):
    code = "ResourceNotFoundException"
    status = 404


class ConflictError(GatewrightError):
    code = "ConflictException"
    status = 409


class AccessDeniedError(GatewrightError):
    code = "AccessDeniedException"
    status = 403


class UnauthorizedError(GatewrightError):
    code = "UnauthorizedException"
    status = 401


class ThrottlingError(GatewrightError):
    code = "ThrottlingException"
    status = 429


class QuotaExceededError(GatewrightError):
    code = "ServiceQuotaExceededException"
    status = 402


class InternalError(GatewrightError):
    code = "InternalServerException"
    status = 500
