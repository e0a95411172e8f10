import { protocol, type messages, type PGlite } from '@electric-sql/pglite';

type BackendMessage = messages.BackendMessage;
const { DataRowMessage, DatabaseError } = protocol.messages;

const DATA_ROW = 0x44; // 'D'

/**
 * Runs protocol messages on PGlite and reads its answer into the same messages `execProtocolStream` gives, throwing
 * the first error it holds as that does. PGlite's own reader copies the bytes of every field into a new ArrayBuffer
 * before decoding it: a CPU profile of the management list put a fifth of the server's thread there, and each copy is
 * memory outside the JS heap that the collector has to account for. Here data rows, nearly all of any answer, are
 * decoded straight from the answer's bytes; every other message (descriptions, completions, errors, notices) goes
 * through PGlite's reader, so those stay exactly its objects.
 *
 * Unlike `execProtocolStream`, notifications (LISTEN) are not passed to PGlite's listeners: nothing here listens, and
 * a statement that needs them can use PGlite's `query()`.
 */
export async function execProtocolFast(pg: PGlite, message: Uint8Array): Promise<BackendMessage[]> {
  const chunks: Buffer[] = [];
  // The bytes handed over are a view of the WASM memory, reused once the callback returns: copied.
  await pg.execProtocolRawStream(message, { syncToFs: false, onRawData: (bytes) => chunks.push(Buffer.from(bytes)) });
  const messages = readBackendMessages(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
  const error = messages.find((m) => m instanceof DatabaseError);
  if (error) throw error;
  return messages;
}

/** The backend messages in `buf` (whole messages, as PGlite writes them after a Sync). */
export function readBackendMessages(buf: Buffer): BackendMessage[] {
  const out: BackendMessage[] = [];
  let other: protocol.Parser | undefined;
  let at = 0;
  while (at + 5 <= buf.length) {
    const length = buf.readUInt32BE(at + 1);
    const end = at + 1 + length;
    if (end > buf.length) throw new Error(`PGlite's answer ends inside a message (${buf.length - at} of ${length + 1} bytes)`);
    if (buf[at] === DATA_ROW) {
      const count = buf.readUInt16BE(at + 5);
      const fields: (string | null)[] = new Array(count);
      let p = at + 7;
      for (let i = 0; i < count; i++) {
        const size = buf.readInt32BE(p);
        p += 4;
        if (size === -1) fields[i] = null;
        else {
          fields[i] = buf.toString('utf8', p, p + size);
          p += size;
        }
      }
      out.push(new DataRowMessage(length, fields));
    } else {
      (other ??= new protocol.Parser()).parse(buf.subarray(at, end), (m) => out.push(m));
    }
    at = end;
  }
  if (at !== buf.length) throw new Error(`PGlite's answer ends inside a message header (${buf.length - at} bytes)`);
  return out;
}
