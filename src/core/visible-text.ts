/**
 * Characters a terminal does not show, or shows misleadingly: controls (ESC starts a terminal
 * escape), format characters (a byte order mark, zero-width spaces, right-to-left overrides),
 * line and paragraph separators, lone surrogates, private-use and default-ignorable code points.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\p{Default_Ignorable_Code_Point}]/gu;

/**
 * `text` with every invisible character written as `\u{XXXX}`, so a message shows exactly what
 * the input held (a BOM quoted raw looks like nothing at all). Newlines and tabs lay messages out
 * and stay as they are.
 */
export function visible(text: string): string {
  return text.replace(INVISIBLE, (char) =>
    char === '\n' || char === '\t'
      ? char
      : `\\u{${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}`,
  );
}
