/** Python files imported as their text (webpack `asset/source`; jest: test/helpers/py-transform.js). */
declare module '*.py' {
  const source: string;
  export default source;
}
