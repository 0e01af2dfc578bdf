/**
 * Regex source for "a letter of a script written with spaces". Patterns use it as their word
 * boundary instead of \b: \b is ASCII-only, and letters of Chinese, Japanese or Thai text sit
 * right against numbers and names ("我要5个"), so they must not count as part of the word.
 */
export const UNSPACED_LETTER = String.raw`[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]`;

export const SPACED_LETTER = String.raw`(?:(?!${UNSPACED_LETTER})[\p{L}\p{M}])`;
