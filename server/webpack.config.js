// Bundles the companion into one file that runs with the host's Node.js from
// inside the Python wheel: no node_modules, no native addon (ABI-independent).
const path = require('path');
const webpack = require('webpack');
const TerserPlugin = require('terser-webpack-plugin');

module.exports = (env, argv) => ({
  mode: argv.mode || 'production',
  target: 'node18',
  entry: path.resolve(__dirname, 'src/main.ts'),
  output: {
    path: path.resolve(__dirname, '../jupyterlab_hpc/companion'),
    filename: 'main.js',
    clean: true
  },
  resolve: { extensions: ['.ts', '.js'] },
  module: {
    rules: [
      {
        test: /\.ts$/,
        loader: 'ts-loader',
        options: { configFile: path.resolve(__dirname, 'tsconfig.json'), transpileOnly: true }
      },
      // the Python a set runs on the cluster (src/sets/py/), bundled as its text
      { test: /\.py$/, type: 'asset/source' }
    ]
  },
  plugins: [
    // ssh2's optional native speed-ups: it falls back to pure JavaScript.
    new webpack.IgnorePlugin({ resourceRegExp: /(sshcrypto\.node|cpu-features)$/ }),
    // ws's optional native speed-ups: it runs without them
    new webpack.IgnorePlugin({ resourceRegExp: /^(bufferutil|utf-8-validate)$/ })
  ],
  // Whitespace and comments out, ASCII only, names kept (readable stack traces): V8 holds the
  // whole source for lazy compilation, and one non-ASCII character in a comment made it a
  // two-byte string (5.7 MB of heap for 2.9 MB of source; issue 12: a light companion).
  optimization: {
    minimize: true,
    minimizer: [
      new TerserPlugin({
        extractComments: false,
        terserOptions: { compress: false, mangle: false, format: { ascii_only: true, comments: false } }
      })
    ]
  },
  devtool: false,
  performance: { hints: false },
  stats: 'errors-warnings'
});
