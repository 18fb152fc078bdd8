/** The key the API token is kept under, for this tab only (sessionStorage). */
export const TOKEN_KEY = 'gridplane.token';

/**
 * Keeps the API token in the tab's sessionStorage: it survives a reload, ends with the tab,
 * and never appears in a URL.
 */
export class TokenStore {
  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>) {}

  get(): string | null {
    return this.storage.getItem(TOKEN_KEY);
  }

  set(token: string): void {
    this.storage.setItem(TOKEN_KEY, token);
  }

  clear(): void {
    this.storage.removeItem(TOKEN_KEY);
  }
}
