import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createTestDatabase, postgresUnavailable, skipUnless } from '@gridplane/testkit';

export interface StoreVariant {
  name: 'sqlite' | 'postgres';
  /** A fresh, empty store and a data directory; `cleanup` removes both. */
  open(): Promise<{ database: string; dataDir: string; cleanup(): Promise<void> }>;
  /** Why this variant cannot run here, or null. */
  unavailable(): Promise<string | null>;
}

const tempDataDir = () => mkdtempSync(join(tmpdir(), 'gridplane-ctl-'));

/** The two stores every service test runs against. */
export const STORE_VARIANTS: StoreVariant[] = [
  {
    name: 'sqlite',
    async open() {
      const dataDir = tempDataDir();
      return {
        database: join(dataDir, 'gridplane.db'),
        dataDir,
        cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
      };
    },
    unavailable: async () => null,
  },
  {
    name: 'postgres',
    async open() {
      const db = await createTestDatabase();
      const dataDir = tempDataDir();
      return {
        database: db.url,
        dataDir,
        cleanup: async () => {
          await db.drop();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
    unavailable: postgresUnavailable,
  },
];

/**
 * Declares the same suite once per store (or per store of `only`). A store that cannot run
 * here becomes one loud skip (a failure under GRIDPLANE_STRICT=1).
 */
export function describeEachStore(
  title: string,
  body: (variant: StoreVariant) => void,
  only?: StoreVariant['name'][],
): void {
  for (const variant of STORE_VARIANTS.filter((v) => !only || only.includes(v.name))) {
    describe(`${title} [${variant.name}]`, async () => {
      const reason = await variant.unavailable();
      if (reason) {
        it(`needs ${variant.name}`, (t) => {
          skipUnless(t, false, reason);
        });
        return;
      }
      body(variant);
    });
  }
}
