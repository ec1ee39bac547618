import type { Logger } from 'pino';
import { loadLibrary, LibraryError, makeLibrary, type Library, type NotLoaded } from './library.js';
import type { Content } from './types.js';

export type ReloadResult =
  | {
      kind: 'reloaded';
      library: Library;
      added: string[];
      removed: string[];
      updated: string[];
      /** Packs whose new files have problems: their previous version is still served. */
      kept: NotLoaded[];
      /** New packs with problems: not served. */
      notLoaded: NotLoaded[];
    }
  | { kind: 'refused'; error: LibraryError };

/**
 * Holds the library being served and swaps in a re-read one at once. A
 * command reads `current` once and keeps that object, so a reload never
 * changes an answer half-way; a round holds the Content it started with and
 * finishes on it.
 */
export class Shelf {
  #current: Library;
  #reloading: Promise<ReloadResult> | undefined;

  constructor(
    initial: Library,
    private readonly log?: Logger,
  ) {
    this.#current = initial;
  }

  get current(): Library {
    return this.#current;
  }

  /**
   * Re-reads the folder. A pack that was served and is now invalid keeps its
   * served version (and is reported); a new invalid pack is reported and not
   * served; when nothing at all is valid, the whole library stays as it was.
   * Calls made while a reload runs share it.
   */
  reload(): Promise<ReloadResult> {
    this.#reloading ??= this.#reload().finally(() => (this.#reloading = undefined));
    return this.#reloading;
  }

  async #reload(): Promise<ReloadResult> {
    const old = this.#current;
    let fresh: Library | undefined;
    let failed: readonly NotLoaded[];
    try {
      fresh = await loadLibrary(old.dir, this.log);
      failed = fresh.notLoaded;
    } catch (error) {
      if (!(error instanceof LibraryError)) throw error;
      failed = error.notLoaded;
      // Nothing new is valid; keep every served article only if some of them failed (rather than vanished).
      if (!old.articles.some((a) => failed.some((f) => f.dir === a.dir))) {
        this.log?.error({ dir: old.dir }, 'content reload refused: no valid pack; the served articles stay');
        return { kind: 'refused', error };
      }
    }
    const kept = failed.filter((f) => old.articles.some((a) => a.dir === f.dir));
    const notLoaded = failed.filter((f) => !kept.includes(f));
    // An article whose files did not change stays the same object (its rendered excerpts stay cached).
    const same = (a: Content) => old.articles.find((o) => o.dir === a.dir && o.id === a.id && o.version === a.version) ?? a;
    const byDir = new Map<string, Content>((fresh?.articles ?? []).map((a) => [a.dir, same(a)]));
    for (const f of kept) byDir.set(f.dir, old.articles.find((a) => a.dir === f.dir)!);
    const articles = [...byDir.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
    const ids = new Set<string>();
    const unique = articles.filter((a) => !ids.has(a.id) && ids.add(a.id));
    const library = makeLibrary({ dir: old.dir, articles: unique, notLoaded, stale: kept, warnings: warningsOf(unique, fresh, old) });
    const oldIds = new Set(old.articles.map((a) => a.id));
    const newIds = new Set(library.articles.map((a) => a.id));
    const result: ReloadResult = {
      kind: 'reloaded',
      library,
      added: [...newIds].filter((id) => !oldIds.has(id)),
      removed: [...oldIds].filter((id) => !newIds.has(id)),
      updated: library.articles.filter((a) => oldIds.has(a.id) && old.article(a.id) !== a).map((a) => a.id),
      kept,
      notLoaded,
    };
    this.#current = library;
    this.log?.info({ added: result.added, removed: result.removed, updated: result.updated, kept: kept.map((k) => k.name), notLoaded: notLoaded.map((n) => n.name) }, 'content reloaded');
    return result;
  }
}

/** The warnings of each served article: from the read that produced its served version. */
function warningsOf(articles: readonly Content[], fresh: Library | undefined, old: Library): Map<string, readonly string[]> {
  const warnings = new Map<string, readonly string[]>();
  for (const a of articles) {
    const w = (fresh?.article(a.id)?.version === a.version ? fresh.warnings : old.warnings).get(a.id);
    if (w) warnings.set(a.id, w);
  }
  return warnings;
}
