// Entry point of the deflate module (build/deflate.wasm), loaded by `wsframe/deflate` only: the compressor's
// kernel and where its memory starts. Contexts and the output area are placed by src/deflate/kernel.ts.
export { contextInit, contextReset, deflateSync, staticInit } from './deflate';
export { bindOutput } from './deflate-platform';
import { HEAP_START } from './deflate-platform';

export function heapStart(): usize {
  return HEAP_START;
}
