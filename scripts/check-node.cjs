/**
 * The first thing `npm start`, `npm test`, `npm run serve` and `npm run standby` run: on a Node older
 * than the one Standby needs, it prints one line that says so and exits 1, instead of the stack trace
 * the TypeScript sources would give (`ERR_UNKNOWN_FILE_EXTENSION ".ts"` on Node 20, or
 * `Map.groupBy is not a function`). It is plain CommonJS with no newer syntax so that old Nodes can
 * parse it; `npm install` itself refuses an old Node through `engine-strict` in .npmrc.
 */
'use strict';

/** NEEDED_MAJOR is the Node major Standby runs on (package.json "engines", .nvmrc). */
var NEEDED_MAJOR = 24;

var have = process.versions.node;
if (Number(have.split('.')[0]) < NEEDED_MAJOR) {
  process.stderr.write('Standby needs Node ' + NEEDED_MAJOR + ' (you have ' + have + '): see README\n');
  process.exit(1);
}
