/** A stored document: any JSON object with a string id. */
export type Doc = Record<string, unknown> & { id: string };

/** How a collection makes ids for documents inserted without one. */
export interface CollectionOptions {
  /** Builds the id from a 1-based sequence number (default: the number as a string). */
  idFactory?: (seq: number) => string;
}

/** A named, ordered, in-memory collection of documents with auto ids. */
export class Collection<T extends Record<string, unknown> = Record<string, unknown>> {
  private readonly docs = new Map<string, T & { id: string }>();
  private seq = 0;

  constructor(
    readonly name: string,
    private readonly opts: CollectionOptions = {},
  ) {}

  /** Inserts a copy of `doc`; keeps `doc.id` when given, else makes one. */
  insert(doc: Omit<T, 'id'> & { id?: string }): T & { id: string } {
    const id = doc.id ?? this.nextId();
    if (this.docs.has(id)) throw new Error(`${this.name}: id ${id} exists`);
    const stored = { ...structuredClone(doc), id } as T & { id: string };
    this.docs.set(id, stored);
    return structuredClone(stored);
  }

  /** The document with this id, or undefined. Returns a copy so callers cannot edit state by accident. */
  get(id: string): (T & { id: string }) | undefined {
    const d = this.docs.get(id);
    return d === undefined ? undefined : structuredClone(d);
  }

  /** True when a document has this id. */
  has(id: string): boolean {
    return this.docs.has(id);
  }

  /** Documents matching a predicate or a partial document (shallow equality). */
  find(match: ((doc: T & { id: string }) => boolean) | Partial<T> = () => true): Array<T & { id: string }> {
    const pred = typeof match === 'function' ? match : (d: T) => matchesPartial(d, match);
    return [...this.docs.values()].filter((d) => pred(d)).map((d) => structuredClone(d));
  }

  /** The first document matching, or undefined. */
  findOne(match: ((doc: T & { id: string }) => boolean) | Partial<T>): (T & { id: string }) | undefined {
    return this.find(match)[0];
  }

  /** Shallow-merges `patch` (or the result of a function) into a document; undefined when absent. */
  update(id: string, patch: Partial<T> | ((doc: T & { id: string }) => T & { id: string })): (T & { id: string }) | undefined {
    const cur = this.docs.get(id);
    if (cur === undefined) return undefined;
    const next = typeof patch === 'function' ? patch(structuredClone(cur)) : { ...cur, ...structuredClone(patch) };
    this.docs.set(id, { ...next, id });
    return structuredClone(this.docs.get(id));
  }

  /** Deletes a document; true when it existed. */
  remove(id: string): boolean {
    return this.docs.delete(id);
  }

  /** Every document in insertion order. */
  all(): Array<T & { id: string }> {
    return this.find();
  }

  /** Number of documents. */
  get size(): number {
    return this.docs.size;
  }

  /** Empties the collection and restarts the id sequence. */
  clear(): void {
    this.docs.clear();
    this.seq = 0;
  }

  private nextId(): string {
    // Skip ids a caller inserted explicitly so auto ids never collide with them.
    let id: string;
    do {
      this.seq += 1;
      id = this.opts.idFactory ? this.opts.idFactory(this.seq) : String(this.seq);
    } while (this.docs.has(id));
    return id;
  }
}

function matchesPartial(doc: Record<string, unknown>, partial: Record<string, unknown>): boolean {
  return Object.entries(partial).every(([k, v]) => doc[k] === v);
}

/** Named collections; a simulator's whole in-memory database. */
export class SimState {
  private readonly cols = new Map<string, Collection<Record<string, unknown>>>();

  /** The collection with this name, created on first use (options apply only then). */
  collection<T extends Record<string, unknown> = Record<string, unknown>>(name: string, opts?: CollectionOptions): Collection<T> {
    let c = this.cols.get(name);
    if (c === undefined) {
      c = new Collection(name, opts);
      this.cols.set(name, c);
    }
    return c as unknown as Collection<T>;
  }

  /** A JSON snapshot of every collection, for assertions and `GET /__sim/state`. */
  snapshot(): Record<string, unknown[]> {
    const out: Record<string, unknown[]> = {};
    for (const [name, c] of this.cols) out[name] = c.all();
    return out;
  }

  /** Empties every collection (collections and their id options stay). */
  reset(): void {
    for (const c of this.cols.values()) c.clear();
  }
}
