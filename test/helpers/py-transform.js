// jest: a .py file imported by the companion (server/src/sets/py-files.ts) is its text,
// as webpack's `asset/source` makes it in the bundle.
module.exports = {
  process(source) {
    return { code: `module.exports = { __esModule: true, default: ${JSON.stringify(source)} };` };
  }
};
