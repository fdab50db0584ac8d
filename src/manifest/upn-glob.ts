/**
 * `upnGlob` selectors: `*` matches any run of characters (also none), `?` exactly one;
 * everything else literally, case-insensitive, against the whole UPN.
 */
export function upnGlobToRegExp(glob: string): RegExp {
  let src = '';
  for (const ch of glob) {
    if (ch === '*') src += '.*';
    else if (ch === '?') src += '.';
    else src += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${src}$`, 'iu');
}

/** Whether a UPN matches a glob (see {@link upnGlobToRegExp}). */
export function upnMatchesGlob(upn: string, glob: string): boolean {
  return upnGlobToRegExp(glob).test(upn);
}
