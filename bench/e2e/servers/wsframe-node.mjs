// wsframe/node as an e2e server: see wsframe.mjs.
import { deflate } from '../../../dist/deflate.js';
import { serve } from '../../../dist/node.js';
import { start } from './wsframe.mjs';

await start(serve, deflate);
