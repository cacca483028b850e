"""Script to obtain an access token using Cognito Client Credentials Flow"""
import os
import base64
import requests
# Configuration
TOKEN_ENDPOINT = os.environ["TOKEN_ENDPOINT"]
CLIENT_ID = os.environ.get("COGNITO_CLIENT_ID", "xxx")
CLIENT_SECRET = os.environ.get("COGNITO_CLIENT_SECRET")
def get_access_token():
    if not CLIENT_SECRET:
        raise ValueError("Please set the COGNITO_CLIENT_SECRET environment variable")
    credentials = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    headers = {
        "Authorization": f"Basic {credentials}",
        "Content-Type": "application/x-www-form-urlencoded"
    }
    data = {
        "grant_type": "client_credentials"
    }
    response = requests.post(TOKEN_ENDPOINT, headers=headers, data=data)
    response.raise_for_status()
    return response.json()
