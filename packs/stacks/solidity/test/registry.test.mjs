// The Registry: the deployer is the administrator and the only one who grants and revokes roles and wires the
// record contracts; an outsider can change nothing; only the wired record contracts count references.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { id } from 'ethers';

import { adminRole, assertReverted, deployRegistry, memberRole, roleId } from './helpers.mjs';
import { entities, roles } from './model.mjs';

test('the deployer is the administrator; the roles are the model\'s', async () => {
  const chain = await deployRegistry();
  assert.equal(await chain.registry.view('adminRole'), roleId(adminRole));
  assert.deepEqual([...(await chain.registry.view('roles'))], roles.map(roleId));
  for (const role of roles) assert.equal(await chain.registry.view(role.constant), roleId(role));
  assert.equal(await chain.registry.view('hasRole', roleId(adminRole), chain.admin.address), true);
  assert.equal(await chain.registry.view('isMember', chain.admin.address), true);
  assert.equal(await chain.registry.view('isMember', chain.outsider.address), false);
});

test('the administrator grants and revokes roles, with events', async () => {
  const chain = await deployRegistry();
  const role = roleId(memberRole);
  const granted = await chain.registry.send(chain.admin, 'grantRole', role, chain.outsider.address);
  assert.ok(granted.ok);
  assert.deepEqual(granted.events.map((e) => e.name), ['RoleGranted']);
  assert.deepEqual([...granted.events[0].args], [role, chain.outsider.address, chain.admin.address]);
  assert.equal(await chain.registry.view('hasRole', role, chain.outsider.address), true);
  assert.equal(await chain.registry.view('isMember', chain.outsider.address), true);

  const revoked = await chain.registry.send(chain.admin, 'revokeRole', role, chain.outsider.address);
  assert.ok(revoked.ok);
  assert.deepEqual(revoked.events.map((e) => e.name), ['RoleRevoked']);
  assert.equal(await chain.registry.view('hasRole', role, chain.outsider.address), false);
  assert.equal(await chain.registry.view('isMember', chain.outsider.address), false);
});

test('an outsider cannot grant itself a role (MissingRole)', async () => {
  const chain = await deployRegistry();
  for (const role of roles) {
    assertReverted(await chain.registry.send(chain.outsider, 'grantRole', roleId(role), chain.outsider.address), 'MissingRole',
      [chain.outsider.address, roleId(adminRole)]);
  }
  assert.equal(await chain.registry.view('isMember', chain.outsider.address), false);
});

test('only the administrator grants roles (MissingRole for the other roles)', { skip: roles.length < 2 && 'the model has one role' }, async () => {
  const chain = await deployRegistry();
  const other = chain.of(memberRole.name);
  assertReverted(await chain.registry.send(other, 'grantRole', roleId(adminRole), other.address), 'MissingRole',
    [other.address, roleId(adminRole)]);
  assertReverted(await chain.registry.send(other, 'revokeRole', roleId(memberRole), other.address), 'MissingRole');
  assert.equal(await chain.registry.view('hasRole', roleId(adminRole), other.address), false);
});

test('unknown roles are refused (UnknownRole), and an administrator keeps its own role (SelfRevocation)', async () => {
  const chain = await deployRegistry();
  const unknown = roleId({ name: 'no_such_role' });
  assertReverted(await chain.registry.send(chain.admin, 'grantRole', unknown, chain.outsider.address), 'UnknownRole', [unknown]);
  assertReverted(await chain.registry.send(chain.admin, 'revokeRole', roleId(adminRole), chain.admin.address), 'SelfRevocation');
  assert.equal(await chain.registry.view('hasRole', roleId(adminRole), chain.admin.address), true);
});

test('every entity has its record contract, wired by the administrator only', async () => {
  const chain = await deployRegistry();
  const names = Object.keys(entities);
  assert.deepEqual([...(await chain.registry.view('entities'))], names.map((name) => id(name)));
  for (const name of names) {
    const records = chain.records(name);
    assert.equal(await chain.registry.view('recordsOf', id(name)), records.address);
    assert.equal(await chain.registry.view('isRecords', records.address), true);
    assert.equal(await records.view('registry'), chain.registry.address);
  }
  const first = chain.records(names[0]);
  assertReverted(await chain.registry.send(chain.outsider, 'setRecords', id(names[0]), chain.outsider.address), 'MissingRole',
    [chain.outsider.address, roleId(adminRole)]);
  assertReverted(await chain.registry.send(chain.admin, 'setRecords', id('NoSuchEntity'), chain.outsider.address), 'UnknownEntity',
    [id('NoSuchEntity')]);
  assert.equal(await chain.registry.view('recordsOf', id(names[0])), first.address);
  assert.equal(await chain.registry.view('isRecords', chain.outsider.address), false);
});

test('only record contracts count references (NotRecords)', async () => {
  const chain = await deployRegistry();
  for (const name of Object.keys(entities)) {
    const records = chain.records(name);
    for (const who of [chain.outsider, chain.admin]) {
      assertReverted(await records.send(who, 'addReference', 1n), 'NotRecords', [who.address]);
      assertReverted(await records.send(who, 'releaseReference', 1n), 'NotRecords', [who.address]);
    }
  }
});
