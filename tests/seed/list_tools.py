"""Script to get the list of tools from Bedrock AgentCore Gateway"""
import json
import os
import requests
from get_cognito_token import get_access_token
GATEWAY_URL = os.environ.get("GATEWAY_URL")
def list_tools(gateway_url: str, bearer_token: str):
    """List all available tools from the gateway"""
    response = requests.post(
        gateway_url,
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {bearer_token}",
        },
        json={
            "jsonrpc": "2.0",
            "id": 1,
            "method": "tools/list",
            "params": {},
        },
    )
    print(f"Status Code: {response.status_code}")
    print(f"Response Body: {json.dumps(response.json(), indent=2)}")
    return response
if __name__ == "__main__":
    if not GATEWAY_URL:
        raise ValueError("Please set the GATEWAY_URL environment variable")
    # Get access token from Cognito
    token_response = get_access_token()
    access_token = token_response.get("access_token")
    # Get list of tools
    list_tools(GATEWAY_URL, access_token)
