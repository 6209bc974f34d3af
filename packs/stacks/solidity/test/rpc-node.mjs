// A small Ethereum JSON-RPC node for the deploy test: the in-process EVM of the other tests (@ethereumjs/vm)
// behind HTTP on 127.0.0.1, with one block per transaction, so that scripts/deploy.mjs runs through ethers'
// JsonRpcProvider exactly as against a real node. Only the methods ethers needs to deploy, send and call.

import http from 'node:http';

import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { createTxFromRLP } from '@ethereumjs/tx';
import {
  bigIntToHex, bytesToHex, createAccount, createAddressFromString, hexToBytes, intToHex,
} from '@ethereumjs/util';
import { createVM, runTx } from '@ethereumjs/vm';
import { keccak256 } from 'ethers';

const common = new Common({ chain: Mainnet, hardfork: Hardfork.Cancun });
const zeroHash = `0x${'00'.repeat(32)}`;
const zeroBloom = `0x${'00'.repeat(256)}`;

/// Starts a node whose accounts `funded` (addresses) hold 1000 ether; resolves with {url, close()}.
export async function startNode({ funded = [] } = {}) {
  const vm = await createVM({ common });
  for (const address of funded) {
    await vm.stateManager.putAccount(createAddressFromString(address), createAccount({ balance: 10n ** 21n }));
  }
  const blocks = [{ number: 0, hash: keccak256('0x00'), parentHash: zeroHash, timestamp: 1_700_000_000, transactions: [] }];
  const receipts = new Map();
  const transactions = new Map();

  const blockJson = (b) => ({
    number: intToHex(b.number), hash: b.hash, parentHash: b.parentHash, timestamp: intToHex(b.timestamp),
    nonce: '0x0000000000000000', difficulty: '0x0', gasLimit: '0x1c9c380', gasUsed: '0x0', miner: `0x${'00'.repeat(20)}`,
    extraData: '0x', logsBloom: zeroBloom, transactions: b.transactions, stateRoot: zeroHash,
    receiptsRoot: zeroHash, transactionsRoot: zeroHash, sha3Uncles: zeroHash, uncles: [], size: '0x0',
  });

  // Runs a call without keeping its effects.
  async function call(tx) {
    await vm.stateManager.checkpoint();
    try {
      return await vm.evm.runCall({
        caller: tx.from ? createAddressFromString(tx.from) : undefined,
        to: tx.to ? createAddressFromString(tx.to) : undefined,
        data: hexToBytes(tx.data ?? tx.input ?? '0x'),
        value: BigInt(tx.value ?? 0),
        gasLimit: 15_000_000n,
      });
    } finally {
      await vm.stateManager.revert();
    }
  }

  const methods = {
    eth_chainId: () => bigIntToHex(common.chainId()),
    net_version: () => common.chainId().toString(),
    eth_blockNumber: () => intToHex(blocks.length - 1),
    eth_getBlockByNumber: ([tag]) => blockJson(tag === 'latest' || tag === 'pending' ? blocks.at(-1) : blocks[Number(tag)] ?? null),
    eth_gasPrice: () => '0x3b9aca00',
    eth_accounts: () => [],
    eth_getBalance: async ([address]) => bigIntToHex((await vm.stateManager.getAccount(createAddressFromString(address)))?.balance ?? 0n),
    eth_getTransactionCount: async ([address]) => bigIntToHex((await vm.stateManager.getAccount(createAddressFromString(address)))?.nonce ?? 0n),
    eth_getCode: async ([address]) => bytesToHex(await vm.stateManager.getCode(createAddressFromString(address))),
    eth_estimateGas: async ([tx]) => {
      const r = await call(tx);
      if (r.execResult.exceptionError) throw Object.assign(new Error('execution reverted'), { code: 3, data: bytesToHex(r.execResult.returnValue) });
      return bigIntToHex(r.execResult.executionGasUsed * 2n + 100_000n);
    },
    eth_call: async ([tx]) => {
      const r = await call(tx);
      if (r.execResult.exceptionError) throw Object.assign(new Error('execution reverted'), { code: 3, data: bytesToHex(r.execResult.returnValue) });
      return bytesToHex(r.execResult.returnValue);
    },
    eth_sendRawTransaction: async ([raw]) => {
      const tx = createTxFromRLP(hexToBytes(raw), { common });
      const result = await runTx(vm, { tx, skipBlockGasLimitValidation: true });
      const hash = bytesToHex(tx.hash());
      const parent = blocks.at(-1);
      const block = { number: parent.number + 1, hash: keccak256(hash), parentHash: parent.hash, timestamp: parent.timestamp + 12, transactions: [hash] };
      blocks.push(block);
      const at = { blockHash: block.hash, blockNumber: intToHex(block.number), transactionIndex: '0x0', transactionHash: hash };
      const from = tx.getSenderAddress().toString();
      transactions.set(hash, {
        ...at, hash, from, to: tx.to?.toString() ?? null, nonce: bigIntToHex(tx.nonce), gas: bigIntToHex(tx.gasLimit),
        gasPrice: bigIntToHex(tx.gasPrice ?? 0n), value: bigIntToHex(tx.value), input: bytesToHex(tx.data),
        type: intToHex(tx.type), chainId: bigIntToHex(common.chainId()), v: bigIntToHex(tx.v ?? 0n),
        r: bigIntToHex(tx.r ?? 0n), s: bigIntToHex(tx.s ?? 0n),
      });
      receipts.set(hash, {
        ...at, from, to: tx.to?.toString() ?? null,
        contractAddress: result.createdAddress?.toString() ?? null,
        status: result.execResult.exceptionError ? '0x0' : '0x1',
        gasUsed: bigIntToHex(result.totalGasSpent), cumulativeGasUsed: bigIntToHex(result.totalGasSpent),
        effectiveGasPrice: bigIntToHex(tx.gasPrice ?? 0n), type: intToHex(tx.type), logsBloom: zeroBloom,
        logs: result.receipt.logs.map(([address, topics, data], i) => ({
          ...at, address: bytesToHex(address), topics: topics.map(bytesToHex), data: bytesToHex(data), logIndex: intToHex(i), removed: false,
        })),
      });
      return hash;
    },
    eth_getTransactionReceipt: ([hash]) => receipts.get(hash) ?? null,
    eth_getTransactionByHash: ([hash]) => transactions.get(hash) ?? null,
  };

  async function answer(request) {
    const method = methods[request.method];
    if (!method) return { jsonrpc: '2.0', id: request.id, error: { code: -32601, message: `method not found: ${request.method}` } };
    try {
      return { jsonrpc: '2.0', id: request.id, result: await method(request.params ?? []) };
    } catch (err) {
      return { jsonrpc: '2.0', id: request.id, error: { code: err.code ?? -32000, message: err.message, data: err.data } };
    }
  }

  // One request at a time: calls run on checkpoints of the same state that transactions change.
  let queue = Promise.resolve();
  const serially = (fn) => {
    const next = queue.then(fn);
    queue = next.catch(() => {});
    return next;
  };

  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const request = JSON.parse(body);
    const reply = await serially(async () => {
      if (!Array.isArray(request)) return answer(request);
      const out = [];
      for (const r of request) out.push(await answer(r));
      return out;
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}
