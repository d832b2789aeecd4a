// A TypeDoc plugin: a class page lists the members the class declares (or inherits from an undocumented base
// such as Conv2d's ConvNd), not copies of the ones a documented base class already lists on its own page.
// Without it every layer page repeated Module's ~35 methods (Conv2d's page was ~20 000 px tall); a line
// under the summary links to them instead, as PyTorch's layer pages leave nn.Module's methods to nn.Module.
import { Comment, Converter, ReflectionKind } from 'typedoc';

/**
 * Where a member is declared (package, file, name, offset); unlike `getStableKey()` it leaves out the
 * transient id an inherited copy gets.
 *
 * @param {import('typedoc').ReflectionSymbolId | undefined} symbolId
 */
function declarationKey(symbolId) {
  if (symbolId === undefined) return undefined;
  return [symbolId.packageName, symbolId.packagePath, symbolId.qualifiedName, symbolId.pos].join('\0');
}

/**
 * The class or interface documenting each declaration where it is declared (not an inherited copy).
 * TypeDoc's own symbol-to-reflection map misses some of them, so it is built here.
 *
 * @param {import('typedoc').ProjectReflection} project
 * @returns {Map<string, import('typedoc').Reflection>}
 */
function declaringOwners(project) {
  const owners = new Map();
  for (const reflection of Object.values(project.reflections)) {
    if (!reflection.isDeclaration() || reflection.inheritedFrom !== undefined) continue;
    if (!reflection.parent?.kindOf(ReflectionKind.ClassOrInterface)) continue;
    const key = declarationKey(project.getSymbolIdFromReflection(reflection));
    if (key !== undefined) owners.set(key, reflection.parent);
  }
  return owners;
}

/**
 * Appends "Also has the members of {@link Module}." to `owner`'s summary.
 *
 * @param {import('typedoc').DeclarationReflection} owner
 * @param {import('typedoc').Reflection[]} bases
 */
function linkBases(owner, bases) {
  owner.comment ??= new Comment();
  const parts = [{ kind: 'text', text: '\n\nAlso has the members of ' }];
  bases.forEach((base, i) => {
    if (i > 0) parts.push({ kind: 'text', text: i === bases.length - 1 ? ' and ' : ', ' });
    parts.push({ kind: 'inline-tag', tag: '@link', text: base.name, target: base });
  });
  parts.push({ kind: 'text', text: ' (listed on its page).' });
  owner.comment.summary.push(...parts);
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  // After inheritance is resolved (priority 0), before members are grouped into sections (-100).
  app.converter.on(
    Converter.EVENT_RESOLVE_END,
    (context) => {
      const { project } = context;
      const owners = declaringOwners(project);
      for (const owner of project.getReflectionsByKind(ReflectionKind.ClassOrInterface)) {
        const bases = new Set();
        for (const member of [...(owner.children ?? [])]) {
          if (member.inheritedFrom === undefined || member.kindOf(ReflectionKind.Constructor)) continue;
          const base = owners.get(declarationKey(project.getSymbolIdFromReflection(member)));
          if (base === undefined || base === owner) continue;
          bases.add(base);
          project.removeReflection(member);
        }
        if (bases.size > 0) linkBases(owner, [...bases]);
      }
    },
    -50,
  );
}
