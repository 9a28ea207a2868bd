// A minimal client for `roadmap-lint server`: it starts the server over stdio for YAML files
// and rule packs' `.rhai` scripts, and passes the evaluation date from the settings. Everything else is the server's.
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const settings = vscode.workspace.getConfiguration("roadmapLint");
  const command = settings.get("path") || "roadmap-lint";
  const asOf = settings.get("asOf");
  client = new LanguageClient(
    "roadmap-lint",
    "roadmap-lint",
    { command, args: ["server"], transport: TransportKind.stdio },
    {
      documentSelector: [
        { scheme: "file", language: "yaml" },
        { scheme: "file", pattern: "**/*.rhai" },
      ],
      initializationOptions: asOf ? { as_of: asOf } : {},
    }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
