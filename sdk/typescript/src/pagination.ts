/**
 * Every page of a cursor-paginated list, fetched as the iteration reaches it. The API's lists answer
 * `{ items, next_cursor }`; the next page is the same request with `cursor: next_cursor`, and a `null`
 * `next_cursor` is the last page:
 *
 *     for await (const item of api.items.list({ status: "published" })) { ... }   // every item
 *     for await (const page of api.items.list({ pageSize: 50 }).pages()) { ... } // page by page
 *     const page = await api.items.list({ cursor }).firstPage();                  // one page
 */
export interface Page<T> {
  items: T[];
  /** Pass it back as `cursor` for the next page; null on the last page. */
  next_cursor: string | null;
}

export class Paginator<T> implements AsyncIterable<T> {
  constructor(
    private readonly fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
    private readonly cursor: string | undefined = undefined,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for await (const page of this.pages()) {
      yield* page.items;
    }
  }

  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    let cursor = this.cursor;
    for (;;) {
      const page = await this.fetchPage(cursor);
      yield page;
      if (page.next_cursor === null) {
        return;
      }
      cursor = page.next_cursor;
    }
  }

  firstPage(): Promise<Page<T>> {
    return this.fetchPage(this.cursor);
  }

  /** Every item of every page, in one array. */
  async toArray(): Promise<T[]> {
    const items: T[] = [];
    for await (const item of this) {
      items.push(item);
    }
    return items;
  }
}
