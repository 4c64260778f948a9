// A worker file for the pool tests: behaves as the task asks (echo, fail in several ways,
// sum a transferred buffer, move a result back).
import { resourceLimits, threadId } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { move } from 'piscina';
import type { WeftErrorData } from '../../../../src/errors.js';

export type TestTask =
  | { op: 'echo'; value: unknown; ms?: number }
  | { op: 'throw'; message: string }
  | { op: 'throw-data'; file: string }
  | { op: 'exit' }
  | { op: 'sum'; bytes: Uint8Array }
  | { op: 'move'; size: number }
  | { op: 'limits' };

export default async function run(task: TestTask): Promise<unknown> {
  switch (task.op) {
    case 'limits':
      return resourceLimits;
    case 'echo':
      if (task.ms) await sleep(task.ms);
      return { value: task.value, threadId };
    case 'throw':
      throw new Error(task.message);
    case 'throw-data': {
      const data: WeftErrorData = { code: 'E_WASM', message: 'scanner module aborted: boom', location: { file: task.file, line: 7 } };
      throw data;
    }
    case 'exit':
      process.exit(3);
    // eslint-disable-next-line no-fallthrough
    case 'sum':
      return task.bytes.reduce((a, b) => a + b, 0);
    case 'move':
      return move(new Uint8Array(task.size).fill(7));
  }
}
