import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { permissionsTableMarkdown } from '../../src/graph/permissions.js';
import { loadManifestText } from '../../src/manifest/load.js';

const root = new URL('../../', import.meta.url);
const read = (p: string) => readFileSync(new URL(p, root), 'utf8');

describe('README stays true', () => {
  const readme = read('README.md');

  it('shows exactly the permissions table the code has', () => {
    expect(readme).toContain(permissionsTableMarkdown());
  });

  it('quick start: both commands exist as npm scripts, and CI runs the same test command', () => {
    const quick = /```sh\n(npm ci && npm run (\w+))[^\n]*\n(npm (test))[^\n]*\n```/.exec(readme);
    expect(quick, 'README quick start block').not.toBeNull();
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(Object.keys(scripts)).toContain(quick![2]);
    expect(Object.keys(scripts)).toContain(quick![4]);
    expect(read('.ci/run')).toMatch(/^npm test$/m);
  });

  it('documents every exit code the CLI defines', async () => {
    const { EXIT } = await import('../../src/cli/io.js');
    for (const code of Object.values(EXIT)) expect(readme).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
  });

  it('its manifest example is a valid manifest', () => {
    const example = /## The manifest\n\n```yaml\n([\s\S]*?)```/.exec(readme);
    expect(example, 'README manifest block').not.toBeNull();
    const loaded = loadManifestText(example![1]!, 'README.md');
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.desired?.activeDirectory.syncScope.include).toEqual(['OU=Staff,DC=contoso,DC=com']);
  });

  it('links every doc page that exists', () => {
    for (const page of ['manifest', 'planning', 'apply', 'cli-plan', 'graph-access', 'active-directory', 'lab', 'lab-graph', 'library']) {
      expect(readme).toContain(`docs/${page}.md`);
    }
  });
});
