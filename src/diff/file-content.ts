import type { FileContent } from '../review/ports.js';

/** How many leading bytes are searched for a NUL byte, like git's own binary heuristic. */
export const BINARY_SNIFF_BYTES = 8 * 1024;

/** True when `buf` has a NUL byte in its first 8 KB: git's heuristic for a binary file. */
export function looksBinary(buf: Uint8Array): boolean {
  const end = Math.min(buf.length, BINARY_SNIFF_BYTES);
  for (let i = 0; i < end; i++) if (buf[i] === 0) return true;
  return false;
}

/**
 * Turns the bytes of a head file into a `FileContent`: binary files carry no text, and a file
 * over `maxBytes` is marked too large (its bytes should not have been read at all; see the callers).
 */
export function toFileContent(buf: Buffer, size: number, maxBytes: number): FileContent {
  if (size > maxBytes) return { size, binary: false, tooLarge: true };
  if (looksBinary(buf)) return { size, binary: true };
  return { text: buf.toString('utf8'), size, binary: false };
}
