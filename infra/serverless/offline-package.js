'use strict';

// Local Serverless plugin for checking the stack without AWS (`make stack` sets LOGLAKE_OFFLINE_PACKAGE=1).
//
// `serverless package` makes one AWS call: CloudFormation describeStacks, to reuse a layer that the
// deployed stack already holds. Offline there is no deployed stack, so that call is answered the way
// AWS answers for a stack that doesn't exist yet, and every other AWS call fails loudly: packaging in
// CI must never reach AWS. Without the variable (a real deploy) the plugin does nothing.
class OfflinePackage {
  constructor(serverless) {
    if (process.env.LOGLAKE_OFFLINE_PACKAGE !== '1') return;
    const provider = serverless.getProvider('aws');
    provider.request = async (service, method) => {
      if (service === 'CloudFormation' && method === 'describeStacks') {
        throw new Error(`Stack with id ${provider.naming.getStackName()} does not exist (offline packaging)`);
      }
      throw new Error(`offline packaging: refusing the AWS call ${service}.${method}`);
    };
  }
}

module.exports = OfflinePackage;
