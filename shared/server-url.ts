/**
 * Which server addresses a remote profile may use. Sign-in sends the password, and every session sends
 * the refresh token, so plain http is allowed only to this machine (loopback), where nothing travels on
 * a network. Shared by the console's main process (profiles.add and every use of a stored profile) and
 * the profile form in the renderer. No Node or DOM APIs: WHATWG `URL` only.
 */

/** 127.0.0.0/8, ::1 and `localhost`, as the WHATWG URL parser spells them (`127.1` is `127.0.0.1`, IPv6 in brackets). */
export function isLoopbackHostname(hostname: string): boolean {
  const h = hostname.toLowerCase();
  if (h === 'localhost' || h === '[::1]') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Why this address must not be used for a remote profile, or null when it may. */
export function insecureServerUrlReason(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null; // Not a URL at all: reported by the URL check itself.
  }
  if (url.protocol !== 'http:' || isLoopbackHostname(url.hostname)) return null;
  return `Plain http:// to ${url.hostname} would send your password and session tokens unencrypted: use https:// (http:// is allowed only for a server on this machine: localhost, 127.x.x.x or [::1])`;
}
