// scripts/deploy.mjs against a JSON-RPC node (test/rpc-node.mjs: the in-process EVM behind HTTP), through ethers'
// JsonRpcProvider as against a real node: every contract is deployed and wired, the roles given are granted, and
// a member can then write through the deployed contracts.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { Contract, JsonRpcProvider, NonceManager, Wallet, id, keccak256, toUtf8Bytes } from 'ethers';

import { deploy, grantsFromEnv } from '../scripts/deploy.mjs';
import { createRecord } from './helpers.mjs';
import { entities, roles } from './model.mjs';
import { startNode } from './rpc-node.mjs';

const deployer = new Wallet(keccak256(toUtf8Bytes('deploy:administrator')));
const member = new Wallet(keccak256(toUtf8Bytes('deploy:member')));
const node = await startNode({ funded: [deployer.address, member.address] });
const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, pollingInterval: 20, cacheTimeout: -1 });
after(async () => {
  provider.destroy();
  await node.close();
});

test('ROLE_<NAME> variables name the roles to grant', () => {
  assert.deepEqual(grantsFromEnv({ ROLE_FRONT_DESK: '0xabc', ROLE_EMPTY: '', PATH: '/bin' }), { front_desk: '0xabc' });
});

test('deploy: the Registry and every record contract, wired, with the roles granted, usable by a member', async () => {
  const role = roles[1] ?? roles[0];
  const lines = [];
  const record = await deploy({
    signer: new NonceManager(deployer.connect(provider)),
    grants: { [role.name]: member.address },
    log: (line) => lines.push(line),
    write: false,
  });
  assert.equal(record.chainId, '1');
  assert.equal(record.administrator, deployer.address);
  assert.deepEqual(Object.keys(record.contracts).sort(),
    ['Registry', ...Object.keys(entities).map((e) => `${e}Records`)].sort());
  assert.ok(lines.some((l) => l.startsWith('Registry at 0x')), lines.join('\n'));

  const registry = new Contract(record.contracts.Registry, record.abi.Registry, provider);
  assert.equal(await registry.hasRole(id(roles[0].name), deployer.address), true);
  assert.equal(await registry.hasRole(id(role.name), member.address), true);
  for (const entity of Object.keys(entities)) {
    assert.equal(await registry.recordsOf(id(entity)), record.contracts[`${entity}Records`]);
  }

  // The member writes through the deployed contracts (records it refers to first), and anyone reads.
  const [first] = Object.keys(entities);
  const signer = new NonceManager(member.connect(provider));
  const chain = {
    serial: 1000,
    records: (entity) => {
      const contract = new Contract(record.contracts[`${entity}Records`], record.abi[`${entity}Records`], signer);
      return {
        send: async (_from, fn, ...args) => {
          const receipt = await (await contract[fn](...args)).wait();
          const event = receipt.logs.map((l) => contract.interface.parseLog(l)).find((e) => e?.name === `${entity}Created`);
          return { ok: receipt.status === 1, value: event?.args.id };
        },
      };
    },
  };
  const created = await createRecord(chain, member, first, 1);
  const records = new Contract(record.contracts[`${first}Records`], record.abi[`${first}Records`], provider);
  assert.equal(await records.exists(created), true);
  assert.equal(await records.count(), 1n);
});
