"""Names of the record kinds and blobs that the control plane writes and the runtime reads."""

from __future__ import annotations

GATEWAY = "gateway"
TARGET = "target"


def target_blob_key(target_id: str) -> str:
    """The built target: the configuration it was built from and its artifact."""
    return f"target:{target_id}"


def report_blob_key(target_id: str) -> str:
    """The import report of a target, when its kind makes one."""
    return f"report:{target_id}"
