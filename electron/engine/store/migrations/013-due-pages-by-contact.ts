/**
 * Migration 13: an index of the pending pages by contact method. While one channel's slots are all
 * taken (the desktop under a burst of alerts), the job runner looks only for pages of the contact
 * methods whose channel has a free slot; without this index that look read the whole backlog of
 * waiting pages, and parsed each one's payload, on every look (bench/ingest.bench.ts).
 */
import type { Migration } from './index.ts';

export const m013DuePagesByContact: Migration = {
  version: 13,
  name: '013-due-pages-by-contact',
  up(db) {
    db.exec("CREATE INDEX IF NOT EXISTS jobs_due_pages_by_contact ON jobs (json_extract(payload_json, '$.contactMethodId'), due_at, id) WHERE state = 'pending' AND kind = 'notify'");
  },
};
