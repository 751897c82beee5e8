// Starts `cargo failfirst lsp` for Rust workspaces. Everything the user sees — diagnostics,
// the code lens above each handler, its card on hover, quick fixes, the `failfirst.score`
// and `failfirst.card` commands — comes from the server; the client only starts it and
// tells it of the files that change on the disk.

import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("failfirst.restart", async () => {
      await stop();
      await start(context);
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await stop();
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const settings = vscode.workspace.getConfiguration("failfirst");
  const command = settings.get<string>("server.command", "cargo");
  const args = settings.get<string[]>("server.args", ["failfirst", "lsp"]);
  const serverOptions: ServerOptions = { command, args };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file", language: "rust" }],
    synchronize: {
      // New, deleted and renamed Rust files, manifests and the configuration.
      fileEvents: vscode.workspace.createFileSystemWatcher(
        "**/{*.rs,*.sql,Cargo.toml,failfirst.toml}",
      ),
    },
  };
  client = new LanguageClient("failfirst", "failfirst", serverOptions, clientOptions);
  context.subscriptions.push(client);
  await client.start();
}

async function stop(): Promise<void> {
  if (client) {
    await client.stop();
    client = undefined;
  }
}
