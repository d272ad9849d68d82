/**
 * `GET /api/backups/<file>`: downloads one of the data directory's backups (the UI's "Download" in a
 * browser). Authorized like the API, by the bearer token; only a name that is a backup's, in the
 * backups folder, is ever served.
 */
import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { Context, Hono } from 'hono';
import { ApiError } from '../../shared/errors.ts';
import type { Engine } from '../engine.ts';

/** mountBackupRoutes adds the backup download; `refuse` answers a request that is not authorized (or undefined to let it through). */
export function mountBackupRoutes(app: Hono, engine: Engine, refuse: (c: Context) => Response | undefined): void {
  app.get('/api/backups/:file', (c) => {
    const denied = refuse(c);
    if (denied) return denied;
    const file = c.req.param('file');
    const path = engine.backups?.pathOf(file);
    if (!path) return c.json(new ApiError('not_found', `there is no backup named "${file}"; backups.list names them`).toBody(), 404);
    const stream = Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
    return new Response(stream, {
      headers: {
        'Content-Type': 'application/vnd.sqlite3',
        'Content-Length': String(statSync(path).size),
        'Content-Disposition': `attachment; filename="${file}"`,
        'Cache-Control': 'no-store',
      },
    });
  });
}
