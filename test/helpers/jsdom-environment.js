// JupyterLab's jsdom environment for jest (Node's fetch, Request, Response in the page), plus
// Node's structuredClone, which jsdom lacks: the frontend tests serve a real companion in the
// same process, and fastify clones its route options with it.
const JupyterLabEnvironment = require('@jupyterlab/testing/lib/jest-env').default;

class FrontendEnvironment extends JupyterLabEnvironment {
  constructor(...args) {
    super(...args);
    this.global.structuredClone = structuredClone;
  }
}

module.exports = FrontendEnvironment;
