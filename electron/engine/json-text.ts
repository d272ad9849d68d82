/**
 * JsonText is an API answer already written as JSON, in parts. A handler whose answer runs to
 * megabytes (the monitor list's last checks at 2,000 monitors: 4.5 MB) writes it in slices, with the
 * event loop's other work (checks, inbound events, pages) between them, instead of leaving one
 * JSON.stringify of the whole answer, and one write of it, to the HTTP server. The server sends the
 * parts one after the other; callers in the process get the answer read back into values (Engine.call).
 */
export class JsonText {
  readonly parts: readonly string[];

  constructor(parts: readonly string[]) {
    this.parts = parts;
  }

  /** text is the whole answer. */
  get text(): string {
    return this.parts.join('');
  }

  /** stream gives the parts one by one, each written when the connection takes it. */
  stream(): ReadableStream<string> {
    let next = 0;
    return new ReadableStream<string>({
      pull: (controller) => {
        if (next < this.parts.length) controller.enqueue(this.parts[next++]!);
        else controller.close();
      },
    });
  }
}

/**
 * jsonObjectOfArray writes `{"<key>":[...]}` from the texts of JSON arrays ("[1,2]", "[]", "[3]"),
 * one part per array (its items), without joining them into one string.
 */
export function jsonObjectOfArray(key: string, arrays: readonly string[]): JsonText {
  const items = arrays.map((a) => a.slice(1, -1)).filter((a) => a !== '');
  return new JsonText([`{${JSON.stringify(key)}:[`, ...items.map((a, i) => (i === 0 ? a : `,${a}`)), ']}']);
}
