// A stand-in for the Node managed runtime's start: load the handler module (its imports and
// clients), then ask the runtime API for the first event. `scripts/bench-init` times this
// beside the Rust functions.
import http from "node:http";

await import("./handler.mjs");
http.get(`http://${process.env.AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next`);
