"""The one module of this kind that uses the OpenAPI kind's importer and request builder.

API Gateway targets are OpenAPI targets in disguise: ``document.py`` writes an OpenAPI 3.0 document for the
selected methods, and the importer turns it into the same tools and call bindings an OpenAPI target gets.
Target kinds do not import each other (tests/unit/test_architecture.py); this adapter is the single, named
exception until the importer moves to a shared ``targets/rest/`` package: then only these imports change.
"""

from __future__ import annotations

from typing import Any

from gatewright.settings import Settings
from gatewright.targets.base import Artifact
from gatewright.targets.openapi.importer import ImportLimits, import_document
from gatewright.targets.openapi.request import HttpRequest, build_request

JSON = dict[str, Any]


def import_operations(doc: JSON, *, target_name: str, settings: Settings, base_url: str) -> Artifact:
    """Tools and bindings for ``doc`` (CPU-bound: call it in a thread); BuildError when nothing imports."""
    limits = ImportLimits(
        max_tools=settings.max_tools_per_target,
        schema_bytes=settings.openapi_max_schema_bytes,
        seconds=settings.openapi_import_seconds,
    )
    return import_document(doc, target_name=target_name, limits=limits, base_url=base_url)


def request_for(binding: JSON, base_url: str, arguments: JSON) -> HttpRequest:
    """The HTTP request of one call (TargetError when an argument cannot be sent)."""
    return build_request(binding, base_url, arguments)
