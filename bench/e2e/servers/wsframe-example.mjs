// wsframe's example echo server (examples/echo-server.mjs: node:http `upgrade` + `Connection`), as it is: the
// "before" baseline of the e2e bench (contract: bench/e2e/run.mjs). It has no /broadcast (every path echoes),
// so the harness skips the broadcast case for it. It accepts permessage-deflate with its defaults when offered;
// with DEFLATE_THRESHOLD (compressed cases) with that threshold. Needs `npm run build`.
import { startEchoServer } from '../../../examples/echo-server.mjs';
import { collectOnRequest, listening } from './hooks.mjs';

const threshold = process.env.DEFLATE_THRESHOLD;
const perMessageDeflate = threshold === undefined ? true : { threshold: Number(threshold) };
const { port } = await startEchoServer({ port: Number(process.env.PORT ?? 0), perMessageDeflate });
listening(port);
collectOnRequest();
