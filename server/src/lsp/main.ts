// The ML Hygiene language server over stdio (or whichever transport the client picks on the command line).
import * as path from 'path';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { MlHygieneServer } from './server';

const connection = createConnection(ProposedFeatures.all);
// The analysis reads untrusted files: whatever slips through the per-file guards is logged, and
// the server keeps serving.
process.on('uncaughtException', (e) => connection.console.error(`ML Hygiene: uncaught ${e.stack ?? e}`));
process.on('unhandledRejection', (e) => connection.console.error(`ML Hygiene: unhandled ${(e as Error)?.stack ?? e}`));
new MlHygieneServer(connection, path.join(__dirname, 'worker.js')).listen();
