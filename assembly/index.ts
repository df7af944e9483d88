// Entry point: re-exports only, one kernel per file.
export { statePtr, recordsPtr, windowPtr, reserve } from './memory';
export { maskInPlace } from './mask';
export { unmaskValidate } from './utf8';
export { parse } from './frame';
export { utf8ToUtf16 } from './text';
