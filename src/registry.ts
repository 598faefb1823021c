/**
 * A name -> value table that refuses to overwrite: registering a name twice throws, as in
 * onnxruntime's backend registry, so a user adapter can never silently replace a built-in one.
 * Backed by a `Map` because names come from files (manifests, adapter modules).
 */
export class NamedRegistry<T> {
  private readonly entries = new Map<string, T>();

  /**
   * @param kind what the entries are, for messages ("adapter", "feature extractor")
   * @param makeError builds the typed error thrown for a duplicate or unknown name
   */
  constructor(
    private readonly kind: string,
    private readonly makeError: (message: string) => Error,
  ) {}

  /** Adds `value` under `name`; throws when the name is taken. */
  register(name: string, value: T): this {
    if (this.entries.has(name)) {
      throw this.makeError(`${this.kind} "${name}" is already registered; pick another name.`);
    }
    this.entries.set(name, value);
    return this;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Returns the entry; throws with the list of known names when there is none. */
  get(name: string): T {
    const value = this.entries.get(name);
    if (value === undefined) {
      const known = [...this.entries.keys()].sort().join(', ') || '(none)';
      throw this.makeError(`unknown ${this.kind} "${name}". Known: ${known}.`);
    }
    return value;
  }

  names(): string[] {
    return [...this.entries.keys()];
  }
}
