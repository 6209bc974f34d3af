// Deploys the contracts to an Ethereum JSON-RPC node with ethers: the Registry first (the account of
// DEPLOYER_PRIVATE_KEY becomes its administrator), then each entity's record contract, which the Registry is told
// about (setRecords). Then, for each ROLE_<NAME>=0xADDRESS in the environment (ROLE_FRONT_DESK=0x... for the
// role front_desk), grants that role to that address.
//
//   RPC_URL=http://127.0.0.1:8545 DEPLOYER_PRIVATE_KEY=0x... npm run deploy
//
// Writes deployments/<chain id>.json (addresses, ABIs). Nothing is sent anywhere but RPC_URL.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ContractFactory, JsonRpcProvider, NonceManager, Wallet, id } from 'ethers';

import { compileContracts, recordContracts } from './compile.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/// Deploys and wires every contract with `signer` (an ethers Signer connected to a provider); resolves with the
/// deployment record written to deployments/<chain id>.json.
export async function deploy({ signer, grants = {}, log = console.log, write = true }) {
  const { contracts } = await compileContracts();
  const network = await signer.provider.getNetwork();
  const from = await signer.getAddress();
  log(`deploying from ${from} to chain ${network.chainId}`);
  const deployOne = async (name, ...args) => {
    const contract = await new ContractFactory(contracts[name].abi, contracts[name].bytecode, signer).deploy(...args);
    await contract.waitForDeployment();
    const address = await contract.getAddress();
    log(`${name} at ${address}`);
    return { contract, address };
  };
  const registry = await deployOne('Registry');
  const record = { chainId: network.chainId.toString(), administrator: from, contracts: { Registry: registry.address } };
  for (const { entity, name } of recordContracts(contracts)) {
    const records = await deployOne(name, registry.address);
    await (await registry.contract.setRecords(id(entity), records.address)).wait();
    record.contracts[name] = records.address;
  }
  for (const [role, account] of Object.entries(grants)) {
    await (await registry.contract.grantRole(id(role), account)).wait();
    log(`granted ${role} to ${account}`);
  }
  record.abi = Object.fromEntries(Object.keys(record.contracts).map((name) => [name, contracts[name].abi]));
  if (write) {
    mkdirSync(path.join(root, 'deployments'), { recursive: true });
    writeFileSync(path.join(root, 'deployments', `${record.chainId}.json`), `${JSON.stringify(record, null, 2)}\n`);
  }
  return record;
}

/// ROLE_<NAME>=<address> variables: {name: address}, the name in lower case (ROLE_FRONT_DESK → front_desk).
export function grantsFromEnv(env) {
  return Object.fromEntries(
    Object.entries(env)
      .filter(([key, value]) => key.startsWith('ROLE_') && value)
      .map(([key, value]) => [key.slice('ROLE_'.length).toLowerCase(), value]),
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { RPC_URL: rpcUrl, DEPLOYER_PRIVATE_KEY: privateKey } = process.env;
  if (!rpcUrl || !privateKey) {
    console.error('Set RPC_URL (the JSON-RPC endpoint of the chain) and DEPLOYER_PRIVATE_KEY (0x + 64 hex digits).');
    process.exit(2);
  }
  const provider = new JsonRpcProvider(rpcUrl);
  try {
    await deploy({ signer: new NonceManager(new Wallet(privateKey, provider)), grants: grantsFromEnv(process.env) });
  } catch (err) {
    console.error(`deploy failed: ${err.shortMessage ?? err.message}`);
    process.exitCode = 1;
  } finally {
    provider.destroy();
  }
}
