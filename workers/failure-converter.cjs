// Failure messages and stack traces are encoded (and so encrypted) like payloads.
// Plain CommonJS: loaded by path both by the workflow bundler and by Node's require.
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
