// wsframe/deno as an e2e server: see wsframe.mjs.
import { deflate } from '../../../dist/deflate.js';
import { serve } from '../../../dist/deno.js';
import { start } from './wsframe.mjs';

await start(serve, deflate);
