import { loctelli } from '../api/bridge';
import { describeError } from '../api/errors';
import { toast } from '../api/live';
import { Markdown } from '../lib/markdown';

/** Setup instructions as safe Markdown; links open in the user's browser through main (https only). */
export function Instructions({ source }: { source: string | null | undefined }) {
  const open = (url: string) =>
    loctelli()
      .app.openExternal(url)
      .then((r) => !r.opened && toast('info', 'Link', url))
      .catch((err) => toast('error', 'Could not open the link', describeError(err)));
  return <Markdown source={source} onLink={(u) => void open(u)} />;
}
