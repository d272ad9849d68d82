/**
 * Links an alert carries (the Events API v2 `links`, `images`, `client_url`; Alertmanager's source
 * links): only http(s) URLs become links, so an alert cannot put `javascript:` or a `data:` page
 * behind a click. Images are shown as links, not loaded: the page's CSP loads images only from
 * Standby itself, and an alert's image URL could tell a stranger when the page was opened.
 */

/** AlertLink is one link to show: where it goes and its words. */
export interface AlertLink {
  href: string;
  text: string;
  kind: 'link' | 'image' | 'client';
}

/** webUrl answers a string as an http(s) URL to link to, or undefined for anything else. */
export function webUrl(s: unknown): string | undefined {
  if (typeof s !== 'string' || !/^https?:\/\//i.test(s.trim())) return undefined;
  try {
    const u = new URL(s.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

const textOf = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** alertLinks reads the links, images and client URL of an incident's details (the tool's page first); the rest of the details, and entries that are not http(s) links, are returned apart. */
export function alertLinks(details: Record<string, unknown>): { links: AlertLink[]; rest: Record<string, unknown> } {
  const client: AlertLink[] = [];
  const links: AlertLink[] = [];
  const images: AlertLink[] = [];
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    if (key === 'links' && Array.isArray(value)) {
      const refused = value.filter((l) => {
        const href = webUrl((l as { href?: unknown } | null)?.href);
        if (href) links.push({ href, text: textOf((l as { text?: unknown }).text) ?? href, kind: 'link' });
        return !href;
      });
      if (refused.length > 0) rest[key] = refused;
    } else if (key === 'images' && Array.isArray(value)) {
      const refused = value.filter((i) => {
        const img = i as { src?: unknown; href?: unknown; alt?: unknown } | null;
        const href = webUrl(img?.href) ?? webUrl(img?.src);
        if (href) images.push({ href, text: textOf(img?.alt) ?? href, kind: 'image' });
        return !href;
      });
      if (refused.length > 0) rest[key] = refused;
    } else if (key === 'client_url' && webUrl(value)) {
      client.push({ href: webUrl(value)!, text: textOf(details.client) ?? 'The monitoring tool', kind: 'client' });
    } else if (!(key === 'client' && webUrl(details.client_url))) {
      rest[key] = value;
    }
  }
  return { links: [...client, ...links, ...images], rest };
}
