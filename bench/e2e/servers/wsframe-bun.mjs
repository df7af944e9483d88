// wsframe/bun as an e2e server: see wsframe.mjs.
import { serve } from '../../../dist/bun.js';
import { start } from './wsframe.mjs';

await start(serve);
