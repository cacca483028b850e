"""gatewright: a self-hosted MCP gateway, wire-compatible with Amazon Bedrock AgentCore Gateway."""

__version__ = "0.1.0"
