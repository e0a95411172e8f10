import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: resolve(import.meta.dirname, '..') });

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

/** The import boundaries of DEVELOPERS.md's layout, as eslint.config.js enforces them. */
describe('layering lint', () => {
  it('keeps the renderer off server/, electron/ and Node', async () => {
    expect(await restricted('renderer/src/features/x/X.tsx', "import { seed } from '../../../../server/seed';\nseed;")).toHaveLength(1);
    expect(await restricted('renderer/src/features/x/X.tsx', "import { core } from '../../../../electron/core';\ncore;")).toHaveLength(1);
    expect(await restricted('renderer/src/features/x/X.tsx', "import { join } from 'node:path';\njoin;")).toHaveLength(1);
    expect(await restricted('renderer/src/features/x/X.tsx', "import { methods } from '../../../../shared/ipc';\nmethods;")).toEqual([]);
  });

  it('keeps shared/ free of other layers and Node', async () => {
    expect(await restricted('shared/api/x.ts', "import { db } from '../../server/db/connect';\ndb;")).toHaveLength(1);
    expect(await restricted('shared/api/x.ts', "import { readFileSync } from 'node:fs';\nreadFileSync;")).toHaveLength(1);
    expect(await restricted('shared/api/x.ts', "import { Type } from 'typebox';\nType;")).toEqual([]);
  });

  it('keeps server/ off the console', async () => {
    expect(await restricted('server/plugins/x.ts', "import { core } from '../../electron/core';\ncore;")).toHaveLength(1);
    expect(await restricted('server/plugins/x.ts', "import { App } from '../../renderer/src/App';\nApp;")).toHaveLength(1);
  });

  it('lets only the Electron shell import electron', async () => {
    expect(await restricted('electron/core.ts', "import { app } from 'electron';\napp;")).toHaveLength(1);
    expect(await restricted('server/start.ts', "import { app } from 'electron';\napp;")).toHaveLength(1);
    expect(await restricted('electron/main.ts', "import { app } from 'electron';\napp;")).toEqual([]);
    expect(await restricted('electron/preload.ts', "import { contextBridge } from 'electron';\ncontextBridge;")).toEqual([]);
  });
});
