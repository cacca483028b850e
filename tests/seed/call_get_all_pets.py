#!/usr/bin/env python3
"""Script to call the GetAllPets tool on Bedrock AgentCore Gateway"""
import json
import os
import requests
from get_cognito_token import get_access_token
GATEWAY_URL = os.environ.get("GATEWAY_URL")
def call_tool(
    gateway_url: str, bearer_token: str, tool_name: str, arguments: dict = None
):
    """Call a specific tool on the gateway"""
    response = requests.post(
        gateway_url,
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {bearer_token}",
        },
        json={
            "jsonrpc": "2.0",
            "id": 1,
            "method": "tools/call",
            "params": {
                "name": tool_name,
                "arguments": arguments or {},
            },
        },
    )
    print(f"Status Code: {response.status_code}")
    print(f"Response Body: {json.dumps(response.json(), indent=2)}")
    return response
def get_all_pets(
    gateway_url: str, bearer_token: str, page: str = None, pet_type: str = None
):
    """Call the GetAllPets tool"""
    arguments = {}
    if page:
        arguments["page"] = page
    if pet_type:
        arguments["type"] = pet_type
    return call_tool(
        gateway_url, bearer_token, "target-quick-start-xxx___GetAllPets", arguments
    )
if __name__ == "__main__":
    if not GATEWAY_URL:
        raise ValueError("Please set the GATEWAY_URL environment variable")
    # Get access token from Cognito
    token_response = get_access_token()
    access_token = token_response.get("access_token")
    # Call GetAllPets
    get_all_pets(GATEWAY_URL, access_token)
