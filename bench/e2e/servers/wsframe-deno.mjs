// wsframe/deno as an e2e server: see wsframe.mjs.
import { serve } from '../../../dist/deno.js';
import { start } from './wsframe.mjs';

await start(serve);
