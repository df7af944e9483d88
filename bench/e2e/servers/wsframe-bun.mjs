// wsframe/bun as an e2e server: see wsframe.mjs.
import { deflate } from '../../../dist/deflate.js';
import { serve } from '../../../dist/bun.js';
import { start } from './wsframe.mjs';

await start(serve, deflate);
