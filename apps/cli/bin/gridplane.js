#!/usr/bin/env node
import { main } from '../dist/main.js';
import { endWhenOutputCloses } from '../dist/signals.js';

endWhenOutputCloses();

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err);
    process.exitCode = 70;
  },
);
