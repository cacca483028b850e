"""HTTP APIs described by OpenAPI: the importer (Swagger 2.0, OpenAPI 3.0/3.1 to tools, call bindings and an
import report) and the request builder. Not a target kind: the OpenAPI and API Gateway kinds both use it."""
