// What the extension host loads as `extensionTestsPath`: runs the editor suite with mocha, under
// @vscode/test-electron and under code-server alike.
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', timeout: 60_000, color: false, reporter: 'spec' });
  // The suite is bundled into this file: give it mocha's globals, then load it.
  mocha.suite.emit('pre-require', globalThis, 'extension.suite.js', mocha);
  require('./extension.suite');
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} editor test(s) failed`)) : resolve()));
  });
}
