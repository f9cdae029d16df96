#!/usr/bin/env -S node --import tsx
import { execute } from '@oclif/core';

// As bin/run.js: a closed pipe ends the output quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

await execute({ development: true, dir: import.meta.url });
