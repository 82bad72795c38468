/** The characters JSON's structure is made of, as char codes (the same as bytes: all are ASCII). */
export const openBrace = 0x7b;
export const closeBrace = 0x7d;
export const openBracket = 0x5b;
export const closeBracket = 0x5d;
export const quote = 0x22;
export const backslash = 0x5c;
export const colon = 0x3a;
export const space = 0x20;
export const tab = 0x09;
export const newline = 0x0a;
export const carriageReturn = 0x0d;
