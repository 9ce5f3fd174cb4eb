// Adds up the test counts of every runner's report into one closing line:
// "tests: N passed, N failed" (a failed stage without a report counts as one failure).
const fs = require('fs');
const path = require('path');

const [dir, failedStages] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
const read = name => {
  try {
    return fs.readFileSync(path.join(dir, name), 'utf8');
  } catch {
    return null;
  }
};

const jest = read('jest.json');
if (jest) {
  const r = JSON.parse(jest);
  passed += r.numPassedTests;
  failed += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
  skipped += r.numPendingTests;
}
const pytest = read('pytest.xml');
if (pytest) {
  const attr = n => Number((pytest.match(new RegExp(`<testsuite [^>]*\\b${n}="(\\d+)"`)) || [])[1] || 0);
  const total = attr('tests');
  failed += attr('failures') + attr('errors');
  skipped += attr('skipped');
  passed += total - attr('failures') - attr('errors') - attr('skipped');
}
const pw = read('playwright.json');
if (pw) {
  const s = JSON.parse(pw).stats || {};
  passed += (s.expected || 0) + (s.flaky || 0);
  failed += s.unexpected || 0;
  skipped += s.skipped || 0;
}
if (failed === 0 && Number(failedStages) > 0) {
  failed = Number(failedStages);
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
