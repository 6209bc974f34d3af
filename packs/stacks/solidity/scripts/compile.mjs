// Compiles contracts/**/*.sol with solc (the npm package: the compiler itself, built to JavaScript; nothing is
// downloaded) and writes build/<Contract>.json for each deployable contract: its ABI and the bytecode to deploy.
//
//   npm run compile
//
// Also imported by the tests and the deploy script: compileContracts() resolves with
// {contracts: {Registry: {abi, bytecode}, <Entity>Records: {...}}, warnings, compiler}.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const contractsDir = path.join(root, 'contracts');
const buildDir = path.join(root, 'build');

/// The EVM version the bytecode targets. Cancun runs on Ethereum's main network and its test networks, and on
/// the in-process EVM of the tests; change it (and the tests' hardfork) to target another chain.
export const evmVersion = 'cancun';

/// EIP-170: the largest contract code a chain accepts (bytes).
export const maxCodeSize = 24_576;

/// The version of the solc package (the compiler is loaded only when a compilation is not in the cache: it is
/// large).
const solcVersion = createRequire(import.meta.url)('solc/package.json').version;

/// Every .sol file under contracts/, keyed by its path relative to the project (as imports name them).
function sources() {
  const out = {};
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.sol')) {
        out[path.relative(root, file).split(path.sep).join('/')] = { content: readFileSync(file, 'utf8') };
      }
    }
  };
  walk(contractsDir);
  return out;
}

/// Compiles the contracts; throws with solc's messages when there is an error. Compilations are cached in
/// build/cache/ by a hash of the compiler's version and the sources.
export async function compileContracts() {
  const input = {
    language: 'Solidity',
    sources: sources(),
    settings: {
      evmVersion,
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  };
  const inputText = JSON.stringify(input);
  const hash = createHash('sha256').update(solcVersion).update(inputText).digest('hex').slice(0, 32);
  const cacheFile = path.join(buildDir, 'cache', `${hash}.json`);
  let output;
  if (existsSync(cacheFile)) {
    output = JSON.parse(readFileSync(cacheFile, 'utf8'));
  } else {
    const { default: solc } = await import('solc');
    output = JSON.parse(solc.compile(inputText));
    const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
    if (errors.length) throw new Error(`solc ${solcVersion}:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
    // Test files run in parallel processes: write whole files only.
    mkdirSync(path.dirname(cacheFile), { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(output));
    renameSync(tmp, cacheFile);
  }
  const contracts = {};
  for (const file of Object.keys(output.contracts ?? {}).sort()) {
    for (const [name, compiled] of Object.entries(output.contracts[file])) {
      if (!compiled.evm.bytecode.object) continue; // abstract
      contracts[name] = {
        abi: compiled.abi,
        bytecode: `0x${compiled.evm.bytecode.object}`,
        codeSize: compiled.evm.deployedBytecode.object.length / 2,
      };
    }
  }
  return {
    contracts,
    warnings: (output.errors ?? []).filter((e) => e.severity !== 'error').map((e) => e.formattedMessage),
    compiler: solcVersion,
  };
}

/// The record contracts, in the order of the contracts/records/ files: [{entity, name}].
export function recordContracts(contracts) {
  return Object.keys(contracts)
    .filter((name) => name.endsWith('Records'))
    .map((name) => ({ entity: name.slice(0, -'Records'.length), name }));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { contracts, warnings, compiler } = await compileContracts();
  for (const w of warnings) console.warn(w);
  mkdirSync(buildDir, { recursive: true });
  let tooLarge = false;
  for (const [name, c] of Object.entries(contracts)) {
    const out = path.join(buildDir, `${name}.json`);
    writeFileSync(out, `${JSON.stringify({ contractName: name, compiler, evmVersion, abi: c.abi, bytecode: c.bytecode }, null, 2)}\n`);
    const note = c.codeSize > maxCodeSize ? ` — over the ${maxCodeSize}-byte limit of EIP-170` : '';
    tooLarge ||= c.codeSize > maxCodeSize;
    console.log(`${path.relative(process.cwd(), out)}: ${c.codeSize} bytes of code${note}`);
  }
  console.log(`compiled with solc ${compiler}`);
  if (tooLarge) process.exit(1);
}
