"""The REST API as an OpenAPI document, imported by the shared importer (targets/rest/).

API Gateway targets are OpenAPI targets in disguise: ``document.py`` writes an OpenAPI 3.0 document for the
selected methods, and the importer turns it into the same tools and call bindings an OpenAPI target gets.
"""

from __future__ import annotations

from typing import Any

from gatewright.settings import Settings
from gatewright.targets.base import Artifact
from gatewright.targets.rest.importer import ImportLimits, import_document

JSON = dict[str, Any]


def import_operations(doc: JSON, *, target_name: str, settings: Settings, base_url: str) -> Artifact:
    """Tools and bindings for ``doc`` (CPU-bound: call it in a thread); BuildError when nothing imports."""
    limits = ImportLimits.from_settings(settings)
    return import_document(doc, target_name=target_name, limits=limits, base_url=base_url)
