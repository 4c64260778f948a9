// `inject-declarations`: top-level declarations appended to one file of the package (once per
// package, whatever the join point matched), plus `links`: packages the linker needs for
// go:linkname targets in them.
import type { AdviceKind } from './types.js';

export const injectDeclarationsAdvice: AdviceKind<'inject-declarations'> = {
  kind: 'inject-declarations',
  apply(spec, ctx) {
    for (const l of spec.links) ctx.link(l);
    // The advice's place in its file: pinned packages reuse aspect ids (dd-trace-go's tracer and
    // profiler both name theirs `func main()`), so the id and YAML path alone would merge them.
    const key = `${spec.location.file}\u0000${spec.location.path}`;
    if (!ctx.firstInPackage(key)) return;
    const text = ctx.render(spec.template).trim();
    if (text === '') return;
    // go:linkname is only accepted in files that import unsafe.
    if (text.includes('//go:linkname')) ctx.blankImport('unsafe');
    const end = ctx.file.text.length;
    ctx.edits.insert(end, `\n\n${text}\n`, ctx.aspect.id, ctx.node.start);
  },
};
