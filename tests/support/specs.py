"""OpenAPI documents used by the tests."""

from __future__ import annotations

from gatewright.demo.petstore import openapi as petstore

__all__ = ["petstore"]
