// Test harness: the contracts compiled with solc and deployed on an in-process EVM (@ethereumjs/vm, the EVM of
// the ethereumjs client), one fresh chain per test, as scripts/deploy.mjs deploys them: the Registry, then each
// entity's record contract, wired into the Registry. Accounts: the deployer (the administrator), one account per
// other role (granted by the administrator) and an outsider with no role. ABI encoding and decoding: ethers.

import assert from 'node:assert/strict';

import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { createLegacyTx } from '@ethereumjs/tx';
import { bytesToHex, createAccount, createAddressFromPrivateKey, createAddressFromString, hexToBytes } from '@ethereumjs/util';
import { createVM, runTx } from '@ethereumjs/vm';
import { Interface, getAddress, id, keccak256, toUtf8Bytes } from 'ethers';

import { compileContracts, maxCodeSize, recordContracts } from '../scripts/compile.mjs';
import { entities, roles } from './model.mjs';

const common = new Common({ chain: Mainnet, hardfork: Hardfork.Cancun }); // the compiler's evmVersion
export const compiled = await compileContracts();
const interfaces = Object.fromEntries(Object.entries(compiled.contracts).map(([name, c]) => [name, new Interface(c.abi)]));
export const adminRole = roles[0];
/// A role other than the administrator's, when the model has one.
export const memberRole = roles[1] ?? roles[0];

/// The bytes32 id of a role, as the contracts compute it: keccak256("<name>").
export const roleId = (role) => id(role.name);

/// The struct member of a field: entity + Field (patient + FullName).
export const member = (entity, field) => `${entity.camel}${field.pascal}`;

/// A deterministic account for a label.
function account(label) {
  const key = hexToBytes(keccak256(toUtf8Bytes(`account:${label}`)));
  return { label, key, address: getAddress(createAddressFromPrivateKey(key).toString()) };
}

/// The outcome of a transaction or call: {ok, value (decoded return), error ({name, args} of a custom error),
/// events ([{name, args}]), createdAddress}.
function outcome(iface, fn, execResult, logs = []) {
  const data = bytesToHex(execResult.returnValue);
  if (execResult.exceptionError) {
    let error = { name: execResult.exceptionError.error, args: [] };
    if (data !== '0x') {
      const parsed = iface.parseError(data);
      error = parsed ? { name: parsed.name, args: [...parsed.args] } : { name: 'unknown revert', args: [data] };
    }
    return { ok: false, error, events: [] };
  }
  const events = logs.map(([address, topics, logData]) => {
    const parsed = iface.parseLog({ topics: topics.map(bytesToHex), data: bytesToHex(logData) });
    return { name: parsed?.name ?? 'unknown event', args: parsed?.args ?? [], address: getAddress(bytesToHex(address)) };
  });
  const decoded = fn ? iface.decodeFunctionResult(fn, data) : [];
  return { ok: true, value: decoded.length === 1 ? decoded[0] : decoded, events };
}

/// A fresh chain with every contract deployed and wired by the administrator, and the other roles granted.
/// chain.registry and chain.records(Entity) have send(from, fn, ...args), call(fn, ...args) and view(fn, ...args).
export async function deployRegistry() {
  const vm = await createVM({ common });
  const admin = account(adminRole.name);
  const others = roles.slice(1).map((r) => ({ ...account(r.name), role: r }));
  const outsider = account('outsider');
  for (const a of [admin, ...others, outsider]) {
    await vm.stateManager.putAccount(createAddressFromPrivateKey(a.key), createAccount({ balance: 10n ** 21n }));
  }

  async function transact(from, to, data, iface, fn) {
    const sender = createAddressFromPrivateKey(from.key);
    const { nonce } = await vm.stateManager.getAccount(sender);
    const tx = createLegacyTx(
      { nonce, gasPrice: 10n ** 9n, gasLimit: 15_000_000n, to, data: hexToBytes(data) },
      { common },
    ).sign(from.key);
    const result = await runTx(vm, { tx, skipBlockGasLimitValidation: true });
    return { ...outcome(iface, fn, result.execResult, result.receipt.logs), createdAddress: result.createdAddress };
  }

  function handle(name, address) {
    const iface = interfaces[name];
    const to = createAddressFromString(address);
    const h = {
      name,
      address,
      send: (from, fn, ...args) => transact(from, to, iface.encodeFunctionData(fn, args), iface, fn),
      call: async (fn, ...args) => {
        const result = await vm.evm.runCall({
          to,
          caller: createAddressFromPrivateKey(outsider.key),
          data: hexToBytes(iface.encodeFunctionData(fn, args)),
          gasLimit: 15_000_000n,
        });
        return outcome(iface, fn, result.execResult);
      },
      view: async (fn, ...args) => {
        const r = await h.call(fn, ...args);
        assert.ok(r.ok, `${name}.${fn} reverted: ${r.error?.name} ${r.error?.args}`);
        return r.value;
      },
    };
    return h;
  }

  async function deploy(name, ...args) {
    const c = compiled.contracts[name];
    assert.ok(c.codeSize <= maxCodeSize, `${name}: ${c.codeSize} bytes of code, over the EIP-170 limit`);
    const data = c.bytecode + interfaces[name].encodeDeploy(args).slice(2);
    const r = await transact(admin, undefined, data, interfaces[name]);
    assert.ok(r.ok, `deploying ${name} failed: ${r.error?.name} ${r.error?.args}`);
    return handle(name, getAddress(r.createdAddress.toString()));
  }

  const registry = await deploy('Registry');
  const records = {};
  for (const { entity, name } of recordContracts(compiled.contracts)) {
    records[entity] = await deploy(name, registry.address);
    const set = await registry.send(admin, 'setRecords', id(entity), records[entity].address);
    assert.ok(set.ok, `setRecords ${entity}: ${set.error?.name}`);
  }
  for (const o of others) {
    const granted = await registry.send(admin, 'grantRole', roleId(o.role), o.address);
    assert.ok(granted.ok, `grantRole ${o.role.name}`);
  }
  return {
    vm,
    registry,
    records: (entity) => records[entity],
    admin,
    outsider,
    /// The account of a role (by name).
    of: (name) => (name === adminRole.name ? admin : others.find((o) => o.role.name === name)),
    /// Numbers for records created on the way (referenced records), distinct from the tests' own 1, 2, 3.
    serial: 1000,
  };
}

/// Sample values of an entity's record, numbered `n` (records with different numbers differ in every field
/// that can). `refs` gives the ids of ref fields by field name (0: none).
export function sample(entityName, n, refs = {}) {
  const entity = entities[entityName];
  const record = {};
  for (const f of entity.fields) {
    let value;
    switch (f.type) {
      case 'email': value = `person${n}@example.com`; break;
      case 'url': value = `https://example.com/${entity.camel}/${n}`; break;
      case 'int': value = BigInt(100 + n); break;
      case 'float': value = BigInt(n) * 1_250_000n; break; // n × 1.25, six decimals
      case 'bool': value = n % 2 === 1; break;
      case 'date': value = BigInt(19_700 + n) * 86_400n; break;
      case 'datetime': value = 1_700_000_000n + BigInt(n) * 3_600n; break;
      case 'enum': value = BigInt(1 + ((n - 1) % f.values.length)); break; // 0 is Unset
      case 'ref': value = refs[f.name] ?? 0n; break;
      case 'file': value = `ipfs://sample-${entity.camel}-${n}`; break;
      default: value = `${f.name} ${n}`;
    }
    record[member(entity, f)] = value;
  }
  return record;
}

/// Creates a record of `entityName` numbered `n` as `from`, first creating one record for each of its ref
/// fields (required or not; an optional reference back to an entity on the way is left empty). Resolves with
/// its id.
export async function createRecord(chain, from, entityName, n, path = []) {
  const entity = entities[entityName];
  const refs = {};
  for (const f of entity.fields.filter((x) => x.type === 'ref')) {
    if (f.ref === entityName || path.includes(f.ref)) {
      assert.ok(!f.required, `${entityName}.${f.name}: a cycle of required references cannot be created`);
      continue;
    }
    refs[f.name] = await createRecord(chain, from, f.ref, chain.serial++, [...path, entityName]);
  }
  const created = await chain.records(entityName).send(from, `create${entityName}`, sample(entityName, n, refs));
  assert.ok(created.ok, `create${entityName}: ${created.error?.name} ${created.error?.args}`);
  return created.value;
}

/// Asserts that `result` reverted with the custom error `name` (and, when given, these arguments).
export function assertReverted(result, name, args) {
  assert.equal(result.ok, false, `expected a revert with ${name}, but the call succeeded`);
  assert.equal(result.error.name, name, `reverted with ${result.error.name} (${result.error.args}), expected ${name}`);
  if (args) assert.deepEqual(result.error.args.map(String), args.map(String));
}

/// The fields of a decoded struct as a plain object keyed by member name.
export function plain(entityName, struct) {
  const entity = entities[entityName];
  return Object.fromEntries(entity.fields.map((f, i) => [member(entity, f), struct[i]]));
}

