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

// ---------------------------------------------------------------- --data-dir: a BSON snapshot and a journal
// CongoDB's own persistence (storage 'file', or memory + persistPath) writes JSON: Binary, Date, Long...
// come back as strings (GridFS breaks) and it rewrites everything each time. Instead the memory engine is kept and
// persisted as mongod does, in proportion to what changes: each change (a document inserted, replaced or deleted,
// a collection or index created or dropped) is appended to a journal as it happens (written in 8 MiB batches, and
// synced each second); the snapshot is rewritten, and the journal started afresh, only once the journal is over
// 64 MiB and twice the live data. Rewriting the whole database every 10 s while anything changed cost 1-2 s of CPU
// each time with 600 MiB stored: the cost of every upload and conversion, over and over.
//
// Files: `mongo-standin.bson`, a header {standin: 'snapshot', generation} (absent in files of earlier versions:
// generation 0), then per collection {db, coll, indexes, count} and its `count` documents; `mongo-standin.journal`,
// a header {standin: 'journal', generation}, then records {op, a}: an adapter method and its arguments, replayed in
// order over the snapshot of the same generation. A journal of another generation is older than the snapshot (a
// stop between writing the snapshot and starting the new journal) and is ignored: the snapshot holds all of it.
const SNAPSHOT = 'mongo-standin.bson';
const JOURNAL = 'mongo-standin.journal';
const SYNC_INTERVAL_MS = 1000;
const SNAPSHOT_SLICE_BYTES = 8 * 1024 * 1024;
const JOURNAL_BATCH_BYTES = 8 * 1024 * 1024;
const COMPACT_MIN_BYTES = 64 * 1024 * 1024;

function* readBsonDocuments(data) {
  let offset = 0;
  while (offset < data.length) {
    const size = data.length - offset >= 4 ? data.readInt32LE(offset) : 0;
    if (size < 5 || offset + size > data.length) {
      yield { torn: true, offset };
      return;
    }
    yield { doc: bson.deserialize(data.subarray(offset, offset + size)), offset, size };
    offset += size;
  }
}

// Returns the bytes of the documents written (the live data, as the journal's compaction measures it).
async function writeSnapshot(target, generation, collections) {
  const tmp = `${target}.tmp`;
  const file = await fs.promises.open(tmp, 'w');
  let documentBytes = 0;
  try {
    let slice = [];
    let bytes = 0;
    const flush = async () => {
      await file.writeFile(Buffer.concat(slice, bytes));
      slice = [];
      bytes = 0;
    };
    const add = (serialized) => {
      slice.push(serialized);
      bytes += serialized.length;
    };
    add(bson.serialize({ standin: 'snapshot', generation }));
    for (const { db, coll, indexes, docs } of collections) {
      add(bson.serialize({ db, coll, indexes, count: docs.length }));
      for (const doc of docs) {
        const bytesOfDoc = bson.serialize(doc);
        add(bytesOfDoc);
        documentBytes += bytesOfDoc.length;
        // Between slices the server answers its clients: written in one go, 1 GiB stalled them for 5-7 s.
        if (bytes >= SNAPSHOT_SLICE_BYTES) await flush();
      }
    }
    await flush();
    await file.sync();
  } finally {
    await file.close();
  }
  await fs.promises.rename(tmp, target);
  return documentBytes;
}

if (dataDir) {
  const snapshotPath = path.join(dataDir, SNAPSHOT);
  const journalPath = path.join(dataDir, JOURNAL);
  let generation = 0;
  let liveBytes = 0; // BSON bytes of the stored documents
  let journal = null; // FileHandle appending to the journal of `generation`
  let journalBytes = 0;
  let unsynced = false;
  let pending = [];
  let pendingBytes = 0;
  let failed = null; // a journal write that failed: the next persist rewrites the snapshot instead
  let replaying = false;
  let closed = false;
  let io = Promise.resolve(); // file operations, one at a time, in the order asked

  const sizeOf = (doc) => (doc ? bson.calculateObjectSize(doc) : 0);
  const storedDoc = (adapter, db, coll, id) => adapter.databases.get(db)?.get(coll)?.get(id.toHexString());
  const totalBytes = (adapter) => {
    let total = 0;
    for (const colls of adapter.databases.values()) for (const docs of colls.values()) for (const doc of docs.values()) total += sizeOf(doc);
    return total;
  };
  const takeAll = (adapter) => {
    // Stored documents are never changed in place (an update deep-clones, then replaces), so the documents taken
    // here at once are a consistent point in time, whatever changes while they are written.
    const collections = [];
    for (const [db, colls] of adapter.databases) {
      for (const [coll, docs] of colls) {
        collections.push({ db, coll, indexes: [...(adapter.indexes.get(db)?.get(coll) ?? [])], docs: [...docs.values()] });
      }
    }
    return collections;
  };
  const inOrder = (task) => {
    const run = io.then(task);
    io = run.catch((err) => {
      failed ??= err;
      console.error(`mongo-standin: writing ${dataDir} failed (the next sync rewrites the snapshot): ${err.message}`);
    });
    return run;
  };

  function journalChange(op, a) {
    if (replaying) return;
    const record = bson.serialize({ op, a });
    pending.push(record);
    pendingBytes += record.length;
    // A failure is logged by inOrder, and the next persist rewrites the snapshot.
    if (pendingBytes >= JOURNAL_BATCH_BYTES) inOrder(appendPending).catch(() => {});
  }

  async function startJournal() {
    const tmp = `${journalPath}.tmp`;
    await fs.promises.writeFile(tmp, bson.serialize({ standin: 'journal', generation }));
    await fs.promises.rename(tmp, journalPath);
    journal = await fs.promises.open(journalPath, 'a');
    journalBytes = (await journal.stat()).size;
  }

  async function appendPending() {
    if (failed || pending.length === 0) return; // after a failure, the next snapshot holds everything
    if (closed) throw new Error(`${pending.length} changes made after the server stopped are not kept`);
    const batch = pending;
    const bytes = pendingBytes;
    pending = [];
    pendingBytes = 0;
    if (!journal) await startJournal();
    await journal.writev(batch); // libuv writes every buffer, however many, before it resolves
    journalBytes += bytes;
    unsynced = true;
  }

  async function compact(adapter) {
    // Every earlier append is done (one file operation at a time); what is pending is in the documents taken now.
    const collections = takeAll(adapter);
    pending = [];
    pendingBytes = 0;
    await journal?.close();
    journal = null;
    liveBytes = await writeSnapshot(snapshotPath, generation + 1, collections);
    generation += 1;
    failed = null;
    await startJournal();
    unsynced = false;
  }

  // Each change is journaled once it has been made (a failed one, say a duplicate _id, is not), in the order made:
  // CongoDB changes its maps synchronously inside these methods. insertMany and deleteByIds go through these.
  const journaled = {
    createDatabase: {}, dropDatabase: { recount: true }, createCollection: {}, dropCollection: { recount: true },
    renameCollection: {}, saveIndex: {}, dropIndex: {},
    insertOne: { record: (a, inserted) => [a[0], a[1], inserted], live: (before, a, inserted) => sizeOf(inserted) },
    updateById: { changed: (result) => result === true, live: (before, a) => sizeOf(a[3]) - sizeOf(before) },
    deleteById: { changed: (result) => result === true, live: (before) => -sizeOf(before) },
  };
  const originals = {};
  for (const [name, how] of Object.entries(journaled)) {
    const original = (originals[name] = MemoryStorageAdapter.prototype[name]);
    MemoryStorageAdapter.prototype[name] = async function (...a) {
      const before = how.live && a[2] instanceof bson.ObjectId ? storedDoc(this, a[0], a[1], a[2]) : undefined;
      const result = await original.apply(this, a);
      if (how.changed && !how.changed(result)) return result;
      if (how.live) liveBytes += how.live(before, a, result);
      if (how.recount) liveBytes = totalBytes(this);
      journalChange(name, how.record ? how.record(a, result) : a);
      return result;
    };
  }

  MemoryStorageAdapter.prototype.persist = function () {
    return inOrder(async () => {
      if (failed || (journalBytes >= COMPACT_MIN_BYTES && journalBytes > 2 * liveBytes)) {
        await compact(this);
        return;
      }
      await appendPending();
      if (unsynced) {
        unsynced = false;
        await journal.datasync();
      }
    });
  };

  const close = MemoryStorageAdapter.prototype.close; // stops the sync timer, then syncs a last time
  MemoryStorageAdapter.prototype.close = async function () {
    await close.call(this);
    await inOrder(async () => {
      await journal?.close();
      journal = null;
      closed = true;
    });
  };

  MemoryStorageAdapter.prototype.restore = async function () {
    fs.mkdirSync(dataDir, { recursive: true });
    let file = snapshotPath;
    let at = 0;
    try {
      if (fs.existsSync(snapshotPath)) {
        let collection = null;
        let left = 0;
        for (const { doc, torn, offset, size } of readBsonDocuments(fs.readFileSync(snapshotPath))) {
          at = offset;
          if (torn) throw new Error('the file ends inside a document');
          if (left > 0) {
            collection.set(doc._id.toHexString(), doc);
            liveBytes += size;
            left--;
          } else if (doc.standin === 'snapshot') {
            generation = doc.generation;
          } else {
            const { db, coll, indexes, count } = doc;
            if (!this.databases.has(db)) { this.databases.set(db, new Map()); this.indexes.set(db, new Map()); }
            collection = new Map();
            this.databases.get(db).set(coll, collection);
            this.indexes.get(db).set(coll, indexes);
            left = count;
          }
        }
        if (left > 0) throw new Error(`the file ends ${left} documents short`);
      }
      if (!fs.existsSync(journalPath)) return;
      file = journalPath;
      at = 0;
      const data = fs.readFileSync(journalPath);
      const records = readBsonDocuments(data);
      const header = records.next().value;
      if (!header || header.torn) return; // stopped while it was being started: it held nothing yet
      if (header.doc.standin !== 'journal') throw new Error('not a journal');
      if (header.doc.generation !== generation) return; // older than the snapshot, which holds all of it
      replaying = true;
      let end = header.size;
      for (const { doc, torn, offset, size } of records) {
        at = offset;
        if (torn) {
          // A stop while a batch was being written: what it held is lost (as unsynced writes are).
          console.error(`mongo-standin: ${journalPath} ends inside a change; the last ${data.length - offset} bytes are dropped`);
          break;
        }
        await originals[doc.op].apply(this, doc.a);
        end = offset + size;
      }
      fs.truncateSync(journalPath, end);
      journal = await fs.promises.open(journalPath, 'a');
      journalBytes = end;
      liveBytes = totalBytes(this);
    } catch (err) { // refuse to start rather than overwrite the files with less than they hold
      throw new Error(`cannot read ${file} at byte ${at} (${err.message}); move it away to start empty`);
    } finally {
      replaying = false;
    }
  };
}

// ---------------------------------------------------------------- start and stop
const server = new CongoServer({
  port,
  host: args.host,
  storage: 'memory',
  ...(dataDir && { persistPath: path.join(dataDir, SNAPSHOT), persistIntervalMs: SYNC_INTERVAL_MS }),
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
