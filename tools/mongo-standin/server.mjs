#!/usr/bin/env node
// mongo-standin: a MongoDB wire-protocol server for machines where no real mongod can be installed.
// It runs CongoDB (MIT, from the npm package @push.rocks/smartmongo@2.2.0, dist_ts/congodb) and fixes,
// at run time, the defects that break MongoDB.Driver 3.x against it. See README.md.
//
//   node server.mjs --port <P> [--host 127.0.0.1] [--data-dir <D>]
//
// The patches below target CongoDB 2.2.0 internals; the version is checked at start-up.
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const USAGE = 'usage: node server.mjs --port <P> [--host 127.0.0.1] [--data-dir <D>]';
const CONGO_VERSION = '2.2.0';
const CONGO = '@push.rocks/smartmongo/dist_ts/congodb';

function fail(message, code = 1) {
  console.error(`mongo-standin: ${message}`);
  process.exit(code);
}

// ---------------------------------------------------------------- arguments
let args;
try {
  args = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (err) {
  fail(`${err.message}\n${USAGE}`, 2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const port = Number(args.port);
if (args.port === undefined || !Number.isInteger(port) || port < 0 || port > 65535) {
  fail(`--port must be an integer 0-65535\n${USAGE}`, 2);
}
const dataDir = args['data-dir'] ? path.resolve(args['data-dir']) : undefined;

// ---------------------------------------------------------------- dependencies
let congo, handlers;
try {
  const require = createRequire(import.meta.url);
  const { version } = require('@push.rocks/smartmongo/package.json');
  if (version !== CONGO_VERSION) {
    fail(`expected @push.rocks/smartmongo ${CONGO_VERSION}, found ${version}: run \`npm ci\` in tools/mongo-standin`);
  }
  congo = await import(`${CONGO}/index.js`);
  handlers = await import(`${CONGO}/server/handlers/index.js`);
} catch (err) {
  if (err.code === 'MODULE_NOT_FOUND' || err.code === 'ERR_MODULE_NOT_FOUND') {
    fail(`dependencies missing (${err.message.split('\n')[0]}): run \`npm ci\` in tools/mongo-standin`);
  }
  throw err;
}
const { CongoServer, WireProtocol, MemoryStorageAdapter } = congo;
const { HelloHandler, FindHandler, AggregateHandler } = handlers;
const bson = congo.plugins.bson; // the very bson instance CongoDB uses (ObjectId instanceof checks)

// ---------------------------------------------------------------- fix 1: hello without topologyVersion
// A topologyVersion in hello makes drivers use streaming (awaitable) hello, which CongoDB answers at once
// instead of waiting maxAwaitTimeMS: driver and server then spin at ~20,000 hello/s. Without it, drivers
// fall back to polling every heartbeatFrequencyMS (10 s), like against an old mongod.
const helloHandle = HelloHandler.prototype.handle;
HelloHandler.prototype.handle = async function (context) {
  const reply = await helloHandle.call(this, context);
  delete reply.topologyVersion;
  return reply;
};

// ---------------------------------------------------------------- fix 2: batches capped at 16 MB
// CongoDB puts up to 101 documents in a batch whatever their size; 101 GridFS chunks (255 KB) exceed what
// bson can serialize (~17 MB), the reply fails, and the driver hangs. Like mongod, cap a batch's bytes
// (always at least one document) and leave the rest in the cursor.
const BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024; // headroom for the reply envelope
const toBigInt = (v) => (typeof v === 'bigint' ? v : v instanceof bson.Long ? v.toBigInt() : BigInt(v));

function fittingCount(docs, start, end) {
  let bytes = 0;
  let i = start;
  for (; i < end; i++) {
    bytes += bson.calculateObjectSize(docs[i]) + 8; // + array element type byte and index key
    if (bytes > BATCH_BYTES && i > start) break;
  }
  return i - start;
}

// Trim a find/aggregate first batch, moving the overflow in front of the cursor (creating one if needed).
function capFirstBatch(handler, context, reply) {
  const batch = reply?.cursor?.firstBatch;
  if (!Array.isArray(batch) || batch.length < 2) return reply;
  const n = fittingCount(batch, 0, batch.length);
  if (n === batch.length) return reply;
  const overflow = batch.splice(n);
  const id = toBigInt(reply.cursor.id);
  const cursor = id !== 0n && handler.cursors.get(id);
  if (cursor) {
    cursor.documents = overflow.concat(cursor.documents.slice(cursor.position));
    cursor.position = 0;
  } else if (!context.command.singleBatch) {
    const newId = handler.nextCursorId();
    const [database, ...coll] = reply.cursor.ns.split('.');
    handler.cursors.set(newId, {
      id: newId, database, collection: coll.join('.'), documents: overflow, position: 0,
      batchSize: context.command.batchSize || 101, createdAt: new Date(),
    });
    reply.cursor.id = bson.Long.fromBigInt(newId);
  }
  return reply;
}

const handleFind = FindHandler.prototype.handleFind;
FindHandler.prototype.handleFind = async function (context) {
  return capFirstBatch(this, context, await handleFind.call(this, context));
};
const aggregate = AggregateHandler.prototype.handle;
AggregateHandler.prototype.handle = async function (context) {
  return capFirstBatch(this, context, await aggregate.call(this, context));
};
// getMore: choose the batch size up front. Like mongod, no batchSize means "as many as fit in 16 MB".
const handleGetMore = FindHandler.prototype.handleGetMore;
FindHandler.prototype.handleGetMore = async function (context) {
  const { command } = context;
  let cursor;
  try { cursor = this.cursors.get(toBigInt(command.getMore)); } catch { /* bad id: let CongoDB answer */ }
  if (cursor) {
    const end = command.batchSize > 0
      ? Math.min(cursor.documents.length, cursor.position + command.batchSize)
      : cursor.documents.length;
    const batchSize = Math.max(1, fittingCount(cursor.documents, cursor.position, end));
    context = { ...context, command: { ...command, batchSize } };
  }
  return handleGetMore.call(this, context);
};

// ---------------------------------------------------------------- fix 3: linear message framing
// CongoDB did Buffer.concat(whole buffer, new chunk) on every 'data' event: quadratic for the 16-48 MB
// insert messages of a GridFS upload (~15-30 MB/s). Instead, once a header gives the length, allocate the
// message once and copy each chunk into it as it arrives (while the client is still sending).
// Also: one message at a time per connection (replies in order), errors answered with the request's id
// (CongoDB sent responseTo=0 and the driver waited forever), no reply to moreToCome (w:0) messages.
const MAX_MESSAGE = 48000000; // maxMessageSizeBytes announced in hello

CongoServer.prototype.handleData = function (state, data) {
  state.queue ??= []; // complete messages not yet processed
  try {
    while (data.length > 0) {
      if (state.partial) { // filling a message that spans chunks
        const { message } = state.partial;
        const n = Math.min(data.length, message.length - state.partial.filled);
        data.copy(message, state.partial.filled, 0, n);
        state.partial.filled += n;
        data = data.subarray(n);
        if (state.partial.filled === message.length) { state.queue.push(message); state.partial = null; }
        continue;
      }
      if (state.head) { data = Buffer.concat([state.head, data]); state.head = null; } // < 4 bytes left over
      if (data.length < 4) { state.head = data; break; }
      const length = data.readInt32LE(0);
      if (length < 16 || length > MAX_MESSAGE) throw new Error(`invalid message length ${length}`);
      if (data.length >= length) { // whole message inside this chunk: no copy
        state.queue.push(data.subarray(0, length));
        data = data.subarray(length);
      } else {
        state.partial = { message: Buffer.allocUnsafe(length), filled: 0 };
      }
    }
  } catch (err) { // unrecoverable framing error: drop the connection like mongod does
    console.error(`mongo-standin: connection ${state.id}: ${err.message}; closing it`);
    state.socket.destroy();
    return;
  }
  if (!state.busy && state.queue.length > 0) this.processMessages(state);
};

CongoServer.prototype.processMessages = async function (state) {
  state.busy = true;
  try {
    while (state.queue.length > 0 && !state.socket.destroyed) {
      const message = state.queue.shift();
      const requestId = message.readInt32LE(4);
      const opCode = message.readInt32LE(12);
      const moreToCome = opCode === 2013 && (message.readUInt32LE(16) & 2) !== 0;
      let reply;
      try {
        const { command } = WireProtocol.parseMessage(message);
        reply = encodeReply(opCode, requestId, await this.commandRouter.route(command));
      } catch (err) {
        console.error(`mongo-standin: request ${requestId} (opCode ${opCode}) failed:`, err);
        reply = encodeReply(opCode, requestId, {
          ok: 0, errmsg: `mongo-standin: ${err.message}`, code: 1, codeName: 'InternalError',
        });
      }
      if (moreToCome || state.socket.destroyed) continue;
      state.socket.cork(); // header and body leave in one writev
      for (const part of reply) state.socket.write(part);
      state.socket.uncork();
    }
  } finally {
    state.busy = false;
  }
};

// Replies as [header, body]: CongoDB's encoder copied a 16 MB body three more times after serializing it.
let nextRequestId = 1;
function encodeReply(opCode, responseTo, doc) {
  const body = bson.serialize(doc);
  const legacy = opCode === 2004; // OP_QUERY (legacy handshake) is answered with OP_REPLY
  const header = Buffer.alloc(legacy ? 36 : 21);
  header.writeInt32LE(header.length + body.length, 0);
  header.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  header.writeInt32LE(responseTo, 8);
  if (legacy) {
    header.writeInt32LE(1, 12); // OP_REPLY; flags 0, cursorID 0, startingFrom 0
    header.writeInt32LE(1, 32); // numberReturned
  } else {
    header.writeInt32LE(2013, 12); // OP_MSG; flagBits 0, section kind 0 (body)
  }
  return [header, body];
}

// TCP_NODELAY as mongod sets it: avoids Nagle/delayed-ACK stalls on the tail of large replies.
const handleConnection = CongoServer.prototype.handleConnection;
CongoServer.prototype.handleConnection = function (socket) {
  socket.setNoDelay(true);
  return handleConnection.call(this, socket);
};

// ---------------------------------------------------------------- --data-dir: BSON snapshots
// CongoDB's own persistence (storage 'file', or memory + persistPath) writes JSON: Binary, Date, Long...
// come back as strings (GridFS breaks) and 'file' rewrites a collection's whole file on every insert.
// Instead keep the memory engine and replace its persist/restore with a BSON snapshot file
// (written every 10 s when something changed, and on shutdown; atomically via rename).
const SNAPSHOT = 'mongo-standin.bson';
const SNAPSHOT_INTERVAL_MS = 10000;
const SNAPSHOT_SLICE_BYTES = 8 * 1024 * 1024;

// File layout: per collection a header {db, coll, indexes, count} followed by `count` documents.
async function writeSnapshot(target, collections) {
  const tmp = `${target}.tmp`;
  const file = await fs.promises.open(tmp, 'w');
  try {
    let slice = [];
    let bytes = 0;
    const flush = async () => {
      await file.write(Buffer.concat(slice, bytes));
      slice = [];
      bytes = 0;
    };
    for (const { db, coll, indexes, docs } of collections) {
      for (const doc of [{ db, coll, indexes, count: docs.length }, ...docs]) {
        const bytesOfDoc = bson.serialize(doc);
        slice.push(bytesOfDoc);
        bytes += bytesOfDoc.length;
        if (bytes >= SNAPSHOT_SLICE_BYTES) await flush();
      }
    }
    await flush();
    await file.sync();
  } finally {
    await file.close();
  }
  await fs.promises.rename(tmp, target);
}

if (dataDir) {
  for (const name of ['createDatabase', 'dropDatabase', 'createCollection', 'dropCollection', 'renameCollection',
    'insertOne', 'updateById', 'deleteById', 'saveIndex', 'dropIndex']) {
    const original = MemoryStorageAdapter.prototype[name];
    MemoryStorageAdapter.prototype[name] = function (...a) { this.dirty = true; return original.apply(this, a); };
  }
  // Stored documents are never changed in place (an update deep-clones, then replaces), so taking the current
  // documents of every collection at once is a consistent snapshot. They are then serialized and written in
  // slices, and the server answers between slices: written in one go, a 1 GiB database stalled every client
  // for 5-7 s every 10 s.
  let writing = null; // the snapshot being written; one at a time
  MemoryStorageAdapter.prototype.persist = async function () {
    while (writing) await writing.catch(() => {}); // its error went to its own caller
    if (!this.persistPath || !this.dirty) return;
    this.dirty = false;
    const collections = [];
    for (const [db, colls] of this.databases) {
      for (const [coll, docs] of colls) {
        collections.push({ db, coll, indexes: [...(this.indexes.get(db)?.get(coll) ?? [])], docs: [...docs.values()] });
      }
    }
    writing = writeSnapshot(this.persistPath, collections)
      .catch((err) => { this.dirty = true; throw err; })
      .finally(() => { writing = null; });
    await writing;
  };
  MemoryStorageAdapter.prototype.restore = async function () {
    fs.mkdirSync(path.dirname(this.persistPath), { recursive: true });
    if (!fs.existsSync(this.persistPath)) return;
    const data = fs.readFileSync(this.persistPath);
    let offset = 0;
    const next = () => {
      const size = data.readInt32LE(offset);
      const doc = bson.deserialize(data.subarray(offset, offset + size));
      offset += size;
      return doc;
    };
    try {
      while (offset < data.length) {
        const { db, coll, indexes, count } = next();
        if (!this.databases.has(db)) { this.databases.set(db, new Map()); this.indexes.set(db, new Map()); }
        const docs = new Map();
        for (let i = 0; i < count; i++) { const doc = next(); docs.set(doc._id.toHexString(), doc); }
        this.databases.get(db).set(coll, docs);
        this.indexes.get(db).set(coll, indexes);
      }
    } catch (err) { // refuse to start rather than overwrite the file with an empty database
      throw new Error(`cannot read ${this.persistPath} at byte ${offset} (${err.message}); move it away to start empty`);
    }
  };
}

// ---------------------------------------------------------------- start and stop
const server = new CongoServer({
  port,
  host: args.host,
  storage: 'memory',
  ...(dataDir && { persistPath: path.join(dataDir, SNAPSHOT), persistIntervalMs: SNAPSHOT_INTERVAL_MS }),
});
try {
  await server.start();
} catch (err) {
  if (err.code === 'EADDRINUSE') fail(`${args.host}:${port} is already in use`);
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'EACCES') fail(`cannot bind ${args.host}:${port}: ${err.code}`);
  fail(`cannot start: ${err.message || err}`);
}
const bound = server.server.address();
console.log(`mongo-standin listening on ${bound.address}:${bound.port}` +
  (dataDir ? ` (data: ${path.join(dataDir, SNAPSHOT)})` : ' (in memory)'));

let stopping = false;
async function shutdown(signal) {
  if (stopping) process.exit(1); // second signal: give up on a clean stop
  stopping = true;
  try {
    await server.stop(); // closes client sockets and the listener; writes the snapshot with --data-dir
    process.exit(0);
  } catch (err) {
    console.error(`mongo-standin: error while stopping on ${signal}:`, err);
    process.exit(1);
  }
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
