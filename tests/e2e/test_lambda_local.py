"""Lambda targets on local functions: no AWS account, the functions folder filled with ``gatewright functions``.

A real gatewright process runs ``tests/functions`` handlers in worker processes (2 s timeout, 256 MB cap);
the tests call them as MCP tools and check AgentCore's client context, result format, and that every kind
of failure (exception, timeout, memory, crash, bad module, unserialisable result) is an isError result.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.aws import aws_error
from support.gateway import GatewrightProcess, create_gateway, create_target, start_gatewright, stop_gatewright
from support.mcp import call_tool, post, request, result_of, text_of
from support.net import free_port, wait_until

FUNCTIONS = Path(__file__).resolve().parents[1] / "functions"
IAM = [{"credentialProviderType": "GATEWAY_IAM_ROLE"}]
ACCOUNT_ARN = "arn:aws:lambda:us-east-1:123456789012:function:"
OBJECT: dict[str, Any] = {"type": "object"}
TOOLBOX_TOOLS = ["whoami", "add", "shout", "fail", "sleep", "hog", "crash", "unserialisable"]


def tool(name: str, **properties: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    return {"name": name, "description": f"the {name} tool", "inputSchema": schema}


def lambda_config(function: str, tools: list[dict[str, Any]]) -> dict[str, Any]:
    return {"lambda": {"lambdaArn": ACCOUNT_ARN + function, "toolSchema": {"inlinePayload": tools}}}


def functions_cli(functions_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "gatewright", "functions", *args, "--functions-dir", str(functions_dir)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewrightProcess]:
    data_dir = tmp_path_factory.mktemp("gatewright-lambda-local")
    functions_dir = data_dir / "functions"
    for name, source in (("toolbox", "toolbox.py"), ("orders", "orders"), ("broken", "broken.py")):
        added = functions_cli(functions_dir, "add", name, str(FUNCTIONS / source))
        assert added.returncode == 0, added.stderr
    env = {
        "GATEWRIGHT_FUNCTIONS_DIR": str(functions_dir),
        "GATEWRIGHT_FUNCTIONS_TIMEOUT_SECONDS": "2",
        "GATEWRIGHT_FUNCTIONS_MEMORY_MB": "256",
        # A function missing locally goes to AWS Lambda: here, a port where nothing listens.
        "AWS_ENDPOINT_URL_LAMBDA": f"http://127.0.0.1:{free_port()}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    server = start_gatewright(data_dir, env)
    yield server
    stop_gatewright(server)


@pytest.fixture(scope="module")
def control(server: GatewrightProcess) -> Any:
    return server.control()


def _gateway(control: Any, name: str, **extra: Any) -> dict[str, Any]:
    gateway = create_gateway(control, name, **extra)
    tools = [tool(n) for n in TOOLBOX_TOOLS]
    toolbox = create_target(
        control, gateway["gatewayId"], "toolbox", lambda_config("toolbox", tools), credentialProviderConfigurations=IAM
    )
    assert toolbox["status"] == "READY", toolbox
    assert any("local function toolbox" in r for r in toolbox["statusReasons"]), toolbox["statusReasons"]
    orders = lambda_config("orders", [tool("get_order_tool", orderId={"type": "string"})])
    assert (
        create_target(control, gateway["gatewayId"], "orders", orders, credentialProviderConfigurations=IAM)["status"]
        == "READY"
    )
    broken = lambda_config("broken", [tool("anything")])
    assert (
        create_target(control, gateway["gatewayId"], "broken", broken, credentialProviderConfigurations=IAM)["status"]
        == "READY"
    )
    missing = lambda_config("nowhere", [tool("anything")])
    assert (
        create_target(control, gateway["gatewayId"], "missing", missing, credentialProviderConfigurations=IAM)["status"]
        == "READY"
    )
    return gateway | {"targets": {"toolbox": toolbox["targetId"]}}


@pytest.fixture(scope="module")
def gateway(control: Any) -> dict[str, Any]:
    return _gateway(control, "lambdalocal")


@pytest.fixture(scope="module")
def debug_gateway(control: Any) -> dict[str, Any]:
    return _gateway(control, "lambdalocaldebug", exceptionLevel="DEBUG")


def test_the_function_gets_the_event_and_agentcores_client_context(
    server: GatewrightProcess, gateway: dict[str, Any]
) -> None:
    body = request("tools/call", {"name": "toolbox___whoami", "arguments": {"orderId": "ORD-1", "n": 2}}, id=7)
    result = result_of(post(gateway["gatewayUrl"], body))
    assert result["isError"] is False
    seen = result["structuredContent"]
    assert result["content"] == [{"type": "text", "text": json.dumps(seen, separators=(",", ":"))}]
    assert seen["event"] == {"orderId": "ORD-1", "n": 2}
    custom = seen["custom"]
    assert set(custom) == {
        "bedrockAgentCoreMessageVersion",
        "bedrockAgentCoreAwsRequestId",
        "bedrockAgentCoreMcpMessageId",
        "bedrockAgentCoreGatewayId",
        "bedrockAgentCoreTargetId",
        "bedrockAgentCoreToolName",
    }
    assert custom["bedrockAgentCoreMessageVersion"] == "1.0"
    assert custom["bedrockAgentCoreMcpMessageId"] == "7"
    assert custom["bedrockAgentCoreGatewayId"] == gateway["gatewayId"]
    assert custom["bedrockAgentCoreTargetId"] == gateway["targets"]["toolbox"]
    assert custom["bedrockAgentCoreToolName"] == "toolbox___whoami"
    assert custom["bedrockAgentCoreAwsRequestId"]
    assert seen["functionName"] == "toolbox"
    assert seen["arn"] == ACCOUNT_ARN + "toolbox"
    assert seen["memoryMb"] == "256"
    assert 0 < seen["remainingMs"] <= 2000
    # A separate process, with none of the gateway's settings in its environment.
    assert seen["pid"] != server.process.pid
    assert seen["env"]["AWS_LAMBDA_FUNCTION_NAME"] == "toolbox"
    assert not [k for k in seen["env"] if k.startswith("GATEWRIGHT")]


def test_agentcores_documented_example(gateway: dict[str, Any]) -> None:
    result = call_tool(gateway["gatewayUrl"], "orders___get_order_tool", {"orderId": "ORD-12345-67890"})
    expected = {"statusCode": 200, "body": json.dumps({"orderId": "ORD-12345-67890"})}
    assert result == {
        "isError": False,
        "content": [{"type": "text", "text": json.dumps(expected, separators=(",", ":"))}],
        "structuredContent": expected,
    }


def test_a_warm_worker_serves_the_next_call(gateway: dict[str, Any]) -> None:
    first = call_tool(gateway["gatewayUrl"], "toolbox___whoami")["structuredContent"]
    second = call_tool(gateway["gatewayUrl"], "toolbox___whoami")["structuredContent"]
    assert second["pid"] == first["pid"]
    assert second["calls"] == first["calls"] + 1
    assert second["requestId"] != first["requestId"]


def test_scalar_results_and_printing(server: GatewrightProcess, gateway: dict[str, Any]) -> None:
    added = call_tool(gateway["gatewayUrl"], "toolbox___add", {"a": 2, "b": 40})
    assert added == {"isError": False, "content": [{"type": "text", "text": "42"}]}
    shouted = call_tool(gateway["gatewayUrl"], "toolbox___shout", {"text": "hello"})
    assert text_of(shouted) == '"HELLO"'
    wait_until(lambda: "function toolbox: to stdout: this must not break the reply" in server.log(), timeout=10)


@pytest.mark.parametrize(
    ("name", "arguments", "detail"),
    [
        ("toolbox___fail", {"what": "this"}, "ValueError: cannot do this"),
        ("toolbox___sleep", {"seconds": 30}, "Sandbox.Timedout: Task timed out after 2.00 seconds"),
        ("toolbox___hog", {"mb": 1024}, "Runtime.OutOfMemory"),
        ("toolbox___crash", {}, "Runtime.ExitError: Runtime exited with error: exit status 3"),
        ("toolbox___unserialisable", {}, "Runtime.MarshalError: Unable to marshal response"),
        ("broken___anything", {}, "Runtime.ImportModuleError: this module cannot be imported"),
    ],
)
def test_failures_are_error_results(
    gateway: dict[str, Any], debug_gateway: dict[str, Any], name: str, arguments: dict[str, Any], detail: str
) -> None:
    masked = call_tool(gateway["gatewayUrl"], name, arguments)
    assert masked == {"isError": True, "content": [{"type": "text", "text": "The Lambda function returned an error."}]}
    shown = call_tool(debug_gateway["gatewayUrl"], name, arguments)
    assert shown["isError"] is True
    assert detail in text_of(shown)
    assert detail in shown["_meta"]["debug"]["text"]
    # The function still answers afterwards (a fresh worker replaced the failed one).
    assert call_tool(gateway["gatewayUrl"], "toolbox___add", {"a": 1, "b": 1})["content"][0]["text"] == "2"


def test_a_function_missing_locally_goes_to_aws(debug_gateway: dict[str, Any]) -> None:
    result = call_tool(debug_gateway["gatewayUrl"], "missing___anything")
    assert result["isError"] is True
    assert text_of(result).startswith("The Lambda function could not be invoked.")
    assert ACCOUNT_ARN + "nowhere" in text_of(result)


def test_lambda_targets_need_gateway_iam_role(control: Any, gateway: dict[str, Any]) -> None:
    config = {"mcp": lambda_config("toolbox", [tool("x")])}
    with aws_error("ValidationException", 400) as error:
        control.create_gateway_target(gatewayIdentifier=gateway["gatewayId"], name="noauth", targetConfiguration=config)
    assert "GATEWAY_IAM_ROLE" in error["Error"]["Message"]
    with aws_error("ValidationException", 400):
        control.create_gateway_target(
            gatewayIdentifier=gateway["gatewayId"],
            name="oauth",
            targetConfiguration=config,
            credentialProviderConfigurations=[
                {
                    "credentialProviderType": "OAUTH",
                    "credentialProvider": {"oauthCredentialProvider": {"providerArn": "arn:x", "scopes": []}},
                }
            ],
        )


def test_tool_definitions_are_checked(control: Any, gateway: dict[str, Any]) -> None:
    bad = [tool("ok"), tool("ok"), {"name": "has space", "description": "d", "inputSchema": OBJECT}]
    created = create_target(
        control, gateway["gatewayId"], "bad", lambda_config("toolbox", bad), credentialProviderConfigurations=IAM
    )
    assert created["status"] == "FAILED"
    reasons = " ".join(created["statusReasons"])
    assert "toolSchema[1].name ok is used by another tool" in reasons
    assert "toolSchema[2].name" in reasons


def test_the_cli_lists_invokes_and_removes(server: GatewrightProcess, tmp_path: Path) -> None:
    functions_dir = tmp_path / "fns"
    assert functions_cli(functions_dir, "add", "tb", str(FUNCTIONS / "toolbox.py")).returncode == 0
    again = functions_cli(functions_dir, "add", "tb", str(FUNCTIONS / "toolbox.py"))
    assert again.returncode == 1
    assert "already exists" in again.stderr
    listed = functions_cli(functions_dir, "list")
    assert listed.stdout.split("\t")[0] == "tb"
    assert ACCOUNT_ARN + "tb" in listed.stdout
    invoked = functions_cli(functions_dir, "invoke", "tb", "--tool", "add", "--event", '{"a": 1, "b": 2}')
    assert (invoked.returncode, invoked.stdout.strip()) == (0, "3")
    failed = functions_cli(functions_dir, "invoke", "tb", "--tool", "fail")
    assert failed.returncode == 1
    assert json.loads(failed.stdout)["errorType"] == "ValueError"
    assert functions_cli(functions_dir, "remove", "tb").returncode == 0
    assert functions_cli(functions_dir, "invoke", "tb").returncode == 1
