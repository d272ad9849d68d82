/** heldSync: a WalSync (the write-ahead log's flush) that a test holds, to see what waits for the disk. */
import { fdatasyncWal, type WalSync } from '../../electron/engine/store/wal-flusher.ts';

/** HeldSync is the flush and its controls. */
export interface HeldSync {
  sync: WalSync;
  /** waiting are the flushes held now, each with the log's file descriptor. */
  waiting: Array<{ fd: number; go: () => void; fail: (err: unknown) => void }>;
  /** release lets every held flush go (each really flushes then). */
  release: () => void;
  /** fail fails every held flush with err. */
  fail: (err: unknown) => void;
  /** hold makes the flushes from now on wait for release (the default); passThrough lets them go at once. */
  hold: () => void;
  passThrough: () => void;
}

/** heldSync makes a HeldSync that holds every flush until released, unless told to pass them through. */
export function heldSync(): HeldSync {
  const waiting: HeldSync['waiting'] = [];
  let pass = false;
  return {
    sync: (fd) => (pass ? fdatasyncWal(fd) : new Promise((resolve, reject) => waiting.push({ fd, go: () => void fdatasyncWal(fd).then(resolve, reject), fail: reject }))),
    waiting,
    release: () => waiting.splice(0).forEach((w) => w.go()),
    fail: (err) => waiting.splice(0).forEach((w) => w.fail(err)),
    hold: () => {
      pass = false;
    },
    passThrough: () => {
      pass = true;
    },
  };
}
