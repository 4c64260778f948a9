// `weft doctor`: prints each finding of src/diagnostics/doctor.ts with its fix; exit 1 when any is a problem.
import type { Finding } from '../diagnostics/doctor.js';

export interface DoctorCommandInput {
  json: boolean;
  configFlag: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: (s: string) => void;
}

const LABEL: Record<Finding['status'], string> = { ok: 'ok     ', note: 'note   ', problem: 'PROBLEM' };

export async function runDoctorCommand(input: DoctorCommandInput): Promise<number> {
  const { runDoctor } = await import('../diagnostics/doctor.js');
  const findings = await runDoctor({ env: input.env, dir: input.cwd, cwd: input.cwd, configFlag: input.configFlag });
  const problems = findings.filter((f) => f.status === 'problem').length;
  if (input.json) {
    input.stdout(JSON.stringify({ problems, findings }) + '\n');
  } else {
    const width = Math.max(...findings.map((f) => f.subject.length));
    for (const f of findings) {
      input.stdout(`${LABEL[f.status]} ${f.subject.padEnd(width)}  ${f.message}\n`);
      for (const d of f.details ?? []) input.stdout(`${' '.repeat(width + 10)}${d}\n`);
      if (f.fix !== undefined && f.status !== 'ok') input.stdout(`${' '.repeat(width + 10)}fix: ${f.fix}\n`);
    }
    input.stdout(problems === 0 ? 'no problems found\n' : `${problems} ${problems === 1 ? 'problem' : 'problems'} found\n`);
  }
  return problems === 0 ? 0 : 1;
}
