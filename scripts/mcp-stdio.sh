#!/bin/sh
# The shell MCP server on stdio, for any MCP client: stdout carries nothing but the protocol (`npm run` would
# print its banner there first). Runs on the project's own Node 24 when installed, else on `node` from PATH.
here=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd) || exit 1
node="$here/node_modules/node/bin/node"
[ -x "$node" ] || node=node
exec "$node" "$here/mcp-server/stdio.ts" "$@"
