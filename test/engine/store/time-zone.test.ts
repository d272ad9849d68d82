/**
 * Time zones without a formatter: a name on the runtime's list is answered from it, another spelling
 * (an alias, other letter case) by Intl as before; the machine's zone comes from TZ or /etc/localtime
 * (real symbolic links in a temporary folder), as ICU finds it, and from Intl where neither says.
 */
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultTimeZone } from '../../../electron/engine/store/config-repo.ts';
import { isTimeZone } from '../../../electron/shared/schemas.ts';
import { tempDir } from '../../helpers/headless.ts';

describe('isTimeZone', () => {
  it('knows canonical names, UTC, aliases and other letter case, and refuses what is not a zone', () => {
    for (const tz of ['Europe/Berlin', 'America/New_York', 'UTC', 'Etc/UTC', 'GMT', 'Asia/Kolkata', 'US/Pacific', 'europe/berlin']) expect(isTimeZone(tz), tz).toBe(true);
    for (const tz of ['Mars/Olympus', '', 'Europe/', '/usr/share/zoneinfo/Europe/Berlin']) expect(isTimeZone(tz), tz).toBe(false);
  });
});

describe('defaultTimeZone', () => {
  const link = (target: string): string => {
    const path = join(tempDir('standby-tz-'), 'localtime');
    symlinkSync(target, path);
    return path;
  };

  it('is the zone TZ names (with or without its leading colon)', () => {
    expect(defaultTimeZone({ TZ: 'Europe/Berlin' }, link('/usr/share/zoneinfo/Asia/Tokyo'))).toBe('Europe/Berlin');
    expect(defaultTimeZone({ TZ: ':America/New_York' }, link('/usr/share/zoneinfo/Asia/Tokyo'))).toBe('America/New_York');
  });

  it('is the zone /etc/localtime links to when TZ names none, with UTC spelled as Intl spells it', () => {
    expect(defaultTimeZone({}, link('/usr/share/zoneinfo/Asia/Tokyo'))).toBe('Asia/Tokyo');
    expect(defaultTimeZone({ TZ: 'not a zone' }, link('../usr/share/zoneinfo/Europe/Paris'))).toBe('Europe/Paris');
    expect(defaultTimeZone({}, link('/usr/share/zoneinfo/Etc/UTC'))).toBe('UTC');
  });

  it("is Intl's answer when neither says (no link, a copied file, a link elsewhere)", () => {
    const intl = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const copied = join(tempDir('standby-tz-'), 'localtime');
    writeFileSync(copied, 'TZif');
    expect(defaultTimeZone({}, copied)).toBe(intl);
    expect(defaultTimeZone({}, join(tempDir('standby-tz-'), 'absent'))).toBe(intl);
    expect(defaultTimeZone({}, link('/opt/somewhere/else'))).toBe(intl);
  });
});
