"""The built-in OAuth 2.0 authorization server: the local equivalent of AgentCore's "quick create with
Cognito". App clients with secrets, the client-credentials grant, signed JWT access tokens, JWKS and
discovery, served by the same process as the gateways."""
