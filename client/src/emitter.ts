/** A small typed event emitter: listeners that throw do not stop the others. */
export class Emitter<M> {
  private readonly listeners = new Map<keyof M, Set<(value: never) => void>>();

  on<K extends keyof M>(name: K, listener: (value: M[K]) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as (value: never) => void);
    return () => set!.delete(listener as (value: never) => void);
  }

  emit<K extends keyof M>(name: K, value: M[K]): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as (v: M[K]) => void)(value);
      } catch (e) {
        reportLater(e);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}

/** A listener's exception surfaces (console, error reporting) without breaking delivery. */
export function reportLater(error: unknown): void {
  setTimeout(() => {
    throw error;
  }, 0);
}
