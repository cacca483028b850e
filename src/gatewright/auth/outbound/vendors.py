"""Token endpoints of the OAuth2 vendors that AgentCore presets, for client-credentials use.

Only metadata: a vendor preset is an OAuth2 provider whose endpoints we know. Vendors whose endpoints depend
on a tenant or domain (Okta, Auth0, Cognito, Microsoft tenants...) need ``includedOauth2ProviderConfig``
or ``customOauth2ProviderConfig`` with the endpoints.
"""

from __future__ import annotations

TOKEN_ENDPOINTS = {
    "GoogleOauth2": ("https://accounts.google.com", "https://oauth2.googleapis.com/token"),
    "GithubOauth2": ("https://github.com", "https://github.com/login/oauth/access_token"),
    "SlackOauth2": ("https://slack.com", "https://slack.com/api/oauth.v2.access"),
    "SalesforceOauth2": ("https://login.salesforce.com", "https://login.salesforce.com/services/oauth2/token"),
    "MicrosoftOauth2": (
        "https://login.microsoftonline.com/common/v2.0",
        "https://login.microsoftonline.com/common/oauth2/v2.0/token",
    ),
    "AtlassianOauth2": ("https://auth.atlassian.com", "https://auth.atlassian.com/oauth/token"),
    "LinkedinOauth2": ("https://www.linkedin.com", "https://www.linkedin.com/oauth/v2/accessToken"),
}


def vendor_metadata(vendor: str) -> dict[str, str]:
    issuer, token = TOKEN_ENDPOINTS.get(vendor, ("", ""))
    return {"issuer": issuer, "tokenEndpoint": token} if token else {}
