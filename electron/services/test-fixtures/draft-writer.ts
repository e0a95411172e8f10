/**
 * Child process of drafts.test.ts: autosaves one draft as fast as it can, each revision's content derived
 * from its number, and reports every completed save on stdout. The test kills it with SIGKILL at random
 * moments and checks what is on disk.
 */
import { DraftStore } from '../drafts';
import { KeyFileCipher } from '../cipher';
import { CredentialVault } from '../vault';
import { MemoryStore } from '../kv-store';
import { crashTemplate, revisionContent } from './draft-fixture';

const [dir, keyFile, draftId] = process.argv.slice(2);
const vault = new CredentialVault(new KeyFileCipher({ keyFile }), new MemoryStore(), () => false);
const store = new DraftStore({ dir, profileId: 'p', sealer: vault, template: async () => crashTemplate });

let n = 0;
let id: string | undefined = draftId || undefined;
for (;;) {
  n++;
  const content = revisionContent(n);
  const d = await store.save({ ...(id ? { id } : {}), kind: 'create', subAccountId: 1, integrationTemplateId: 1, name: content.name, description: content.description, config: content.config });
  id = d.id;
  process.stdout.write(`saved ${d.id} ${n}\n`);
}
