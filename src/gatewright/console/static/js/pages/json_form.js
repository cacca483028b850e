// The configuration of any other target kind (Smithy model, Lambda, MCP server, and kinds that land later) as
// JSON: the member of targetConfiguration.mcp, checked as JSON here and by the control plane on save.

import { field, h } from "../dom.js";

const TEMPLATES = {
  smithyModel: { inlinePayload: "<the Smithy model as JSON AST>" },
  lambda: {
    lambdaArn: "arn:aws:lambda:us-east-1:123456789012:function:my-function",
    toolSchema: { inlinePayload: [{ name: "my_tool", description: "What it does", inputSchema: { type: "object", properties: {} } }] },
  },
  mcpServer: { endpoint: "https://mcp.example.com/mcp" },
};

const DOCS = {
  smithyModel: "inlinePayload (a Smithy JSON AST model as text) or s3.uri.",
  lambda: "lambdaArn and toolSchema (inlinePayload: the tools' names, descriptions and inputSchemas, or s3.uri).",
  mcpServer: "endpoint (the server's streamable HTTP URL); optional listingMode and resourcePriority.",
};

export function jsonForm(key, existing) {
  const text = h("textarea", { id: "target-json", rows: 12, class: "mono", spellcheck: "false", required: true, dataset: { what: `the ${key} configuration` } });
  text.value = JSON.stringify(existing || TEMPLATES[key] || {}, null, 2);
  const element = h(
    "fieldset",
    { class: "kind" },
    h("legend", {}, `${key} configuration`),
    field(`targetConfiguration.mcp.${key} (JSON)`, text, DOCS[key] || "The kind's configuration object, as in the AgentCore API."),
  );
  const value = () => {
    let parsed;
    try {
      parsed = JSON.parse(text.value);
    } catch (error) {
      throw new Error(`the configuration is not valid JSON (${error.message}).`);
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("the configuration must be a JSON object.");
    return parsed;
  };
  return { element, value };
}
