// wsframe's example echo server (examples/echo-server.mjs: node:http `upgrade` + `Connection`), as it is: the
// "before" baseline of the e2e bench (contract: bench/e2e/run.mjs). It has no /broadcast (every path echoes),
// so the harness skips the broadcast case for it. Needs `npm run build`.
import { startEchoServer } from '../../../examples/echo-server.mjs';
import { collectOnRequest, listening } from './hooks.mjs';

const { port } = await startEchoServer({ port: Number(process.env.PORT ?? 0) });
listening(port);
collectOnRequest();
