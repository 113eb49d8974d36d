// Preloaded (node --require, see parserTrap.ts) into a command or server under test, in every thread: makes
// tree-sitter's wasm runtime trap for real, as it once did in a fuzz run, when it parses a text that
// holds TRAP_PARSER_ON. The trap is a call of one of the runtime's exports with an address far
// outside its memory ("memory access out of bounds"), made while the runtime reads the text to parse,
// so it unwinds the parse halfway. From then on, every parse of that runtime traps the same way: the
// runtime is broken for the rest of its thread, the case the product must survive.
const marker = process.env.TRAP_PARSER_ON;

if (marker) {
  const instantiate = WebAssembly.instantiate;
  WebAssembly.instantiate = async function (source, imports, ...rest) {
    const env = imports && imports.env;
    if (!env || typeof env.tree_sitter_parse_callback !== 'function') return instantiate.call(this, source, imports, ...rest);
    let runtime;
    let broken = false;
    const readText = env.tree_sitter_parse_callback;
    // The runtime asks for the text a chunk at a time: it writes the chunk's length (UTF-16 code
    // units) at lengthAddress and the chunk at buffer.
    const parseCallback = (buffer, index, row, column, lengthAddress) => {
      readText(buffer, index, row, column, lengthAddress);
      const memory = env.memory.buffer;
      const length = new Int32Array(memory, lengthAddress, 1)[0];
      if (Buffer.from(memory, buffer, length * 2).toString('utf16le').includes(marker)) broken = true;
      if (broken) runtime.ts_tree_root_node_wasm(0xfffffff0);
    };
    const env2 = new Proxy(env, { get: (target, name) => (name === 'tree_sitter_parse_callback' ? parseCallback : target[name]) });
    const result = await instantiate.call(this, source, { ...imports, env: env2 }, ...rest);
    runtime = result.instance.exports;
    return result;
  };
}
