// tutorStore: Tutor's offline storage in IndexedDB, called from the Go app
// (app/jsstore.go). Every function returns a Promise. Values cross the Go/JS
// boundary as JSON strings so that Go decodes them with encoding/json.
//
// Database "tutor", object stores:
//   events   the answer queue, key "id" (the event UUID):
//            {id, user, body: JSON of api.ReviewEvent, rejected?: reason}
//   content  course packs, key "id": {id, body: JSON of course.Pack}
//   kv       small records, key "key": {key, value: JSON}
//            (session, device id, each user's acknowledged review log)
(function () {
  "use strict";

  const DB_NAME = "tutor";
  const DB_VERSION = 1;
  let dbPromise = null;

  function open() {
    if (dbPromise) {
      return dbPromise;
    }
    dbPromise = new Promise((resolve, reject) => {
      if (!self.indexedDB) {
        reject(new Error("This browser has no IndexedDB, so answers cannot be kept offline. Use a current Chrome, Edge, Firefox or Safari."));
        return;
      }
      const req = indexedDB.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains("events")) {
          db.createObjectStore("events", { keyPath: "id" });
        }
        if (!db.objectStoreNames.contains("content")) {
          db.createObjectStore("content", { keyPath: "id" });
        }
        if (!db.objectStoreNames.contains("kv")) {
          db.createObjectStore("kv", { keyPath: "key" });
        }
      };
      req.onsuccess = () => {
        const db = req.result;
        // Another tab upgrading the schema must not be blocked by us.
        db.onversionchange = () => { db.close(); dbPromise = null; };
        resolve(db);
      };
      req.onerror = () => { dbPromise = null; reject(req.error); };
      req.onblocked = () => reject(new Error("The offline store is blocked by another Tutor tab; close the other tabs and reload."));
    });
    return dbPromise;
  }

  // run opens a transaction over names and calls work(stores); it resolves
  // with work's result only once the transaction has committed, so a caller
  // never moves on before the data is durable.
  async function run(names, mode, work) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(names, mode, { durability: "strict" });
      const stores = {};
      for (const n of names) {
        stores[n] = tx.objectStore(n);
      }
      let result;
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error("storage transaction aborted"));
      Promise.resolve(work(stores)).then((r) => { result = r; }, (e) => { tx.abort(); reject(e); });
    });
  }

  function req(r) {
    return new Promise((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  }

  async function kvGet(key) {
    return run(["kv"], "readonly", async (s) => {
      const rec = await req(s.kv.get(key));
      return rec ? rec.value : "";
    });
  }

  async function kvPut(key, value) {
    return run(["kv"], "readwrite", (s) => { s.kv.put({ key: key, value: value }); });
  }

  async function kvDelete(key) {
    return run(["kv"], "readwrite", (s) => { s.kv.delete(key); });
  }

  async function putContent(id, body) {
    return run(["content"], "readwrite", (s) => { s.content.put({ id: id, body: body }); });
  }

  async function getContent(id) {
    return run(["content"], "readonly", async (s) => {
      const rec = await req(s.content.get(id));
      return rec ? rec.body : "";
    });
  }

  // enqueue stores one answer. The promise resolves once it is committed.
  async function enqueue(id, user, body) {
    return run(["events"], "readwrite", (s) => { s.events.add({ id: id, user: user, body: body }); });
  }

  // queue lists a user's queued events as JSON:
  // [{"id","rejected","event":{...}}...].
  async function queue(user) {
    const all = await run(["events"], "readonly", (s) => req(s.events.getAll()));
    const mine = all.filter((e) => e.user === user).map((e) => ({
      id: e.id,
      rejected: e.rejected || "",
      event: JSON.parse(e.body),
    }));
    return JSON.stringify(mine);
  }

  // ack moves acknowledged events from the queue into the user's review log
  // (kv "reviews:<user>") and marks rejected ones, in one transaction, so an
  // event is never in neither place.
  // ackedJSON: ["id"...]; rejectedJSON: [{"id","message"}...].
  async function ack(user, ackedJSON, rejectedJSON) {
    const acked = JSON.parse(ackedJSON || "null") || [];
    const rejected = JSON.parse(rejectedJSON || "null") || [];
    const logKey = "reviews:" + user;
    return run(["events", "kv"], "readwrite", async (s) => {
      const rec = await req(s.kv.get(logKey));
      const log = rec && rec.value ? JSON.parse(rec.value) : [];
      const seen = new Set(log.map((e) => e.id));
      for (const id of acked) {
        const e = await req(s.events.get(id));
        if (!e || e.user !== user) {
          continue;
        }
        if (!seen.has(id)) {
          log.push(JSON.parse(e.body));
          seen.add(id);
        }
        s.events.delete(id);
      }
      for (const r of rejected) {
        const e = await req(s.events.get(r.id));
        if (e && e.user === user) {
          e.rejected = r.message || "rejected";
          s.events.put(e);
        }
      }
      s.kv.put({ key: logKey, value: JSON.stringify(log) });
    });
  }

  // forget removes a rejected event the learner chose to discard.
  async function forget(user, id) {
    return run(["events"], "readwrite", async (s) => {
      const e = await req(s.events.get(id));
      if (e && e.user === user && e.rejected) {
        s.events.delete(id);
      }
    });
  }

  self.tutorStore = {
    kvGet, kvPut, kvDelete,
    putContent, getContent,
    enqueue, queue, ack, forget,
  };
})();
