// The names of the failed tests in the runners' JSON reports (the package checks, vitest,
// Playwright), for scripts/test.mjs to print above its closing line.

/**
 * @param {{ packages?: any, vitest?: any, e2e?: any }} reports the parsed reports (any may be missing)
 * @param {string} root the repository root, cut from vitest's absolute file names
 * @returns {string[]} one line per failed check, test or test file that did not run
 */
export function failedTests({ packages, vitest, e2e }, root) {
  const failures = [];
  for (const c of packages?.checks ?? []) if (c.ok === false) failures.push(`packages: ${c.name}`);
  for (const file of vitest?.testResults ?? []) {
    const where = file.name.startsWith(root) ? file.name.slice(root.length + 1) : file.name;
    const failed = (file.assertionResults ?? []).filter((a) => a.status === 'failed');
    for (const a of failed) failures.push(`vitest: ${where} › ${a.fullName}`);
    if (file.status === 'failed' && failed.length === 0)
      failures.push(`vitest: ${where} (${file.message || 'did not run'})`);
  }
  // Playwright nests specs in suites (a file, then its describe blocks)
  const specsOf = (suite, titles) => [
    ...(suite.specs ?? []).map((spec) => ({ spec, titles: [...titles, spec.title] })),
    ...(suite.suites ?? []).flatMap((inner) => specsOf(inner, [...titles, inner.title])),
  ];
  for (const suite of e2e?.suites ?? []) {
    for (const { spec, titles } of specsOf(suite, [suite.title])) {
      if (spec.ok === false) failures.push(`e2e: ${spec.file}:${spec.line} › ${titles.slice(1).join(' › ')}`);
    }
  }
  return failures;
}
