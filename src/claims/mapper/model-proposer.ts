/**
 * The production proposer: the claim-mapping model (name normalisation, vocabularies, value evidence,
 * constrained seq2seq decoding) behind the mapper's narrow `ProgramProposer` interface. Loading the
 * ONNX sessions takes a while, so one instance per process is shared.
 */
import { createClaimMapperModel } from '../model/mapper.ts';
import type { ProgramProposer } from './types.ts';

let loading: Promise<ProgramProposer> | undefined;

export function loadModelProposer(): Promise<ProgramProposer> {
  loading ??= createClaimMapperModel().then(
    (model): ProgramProposer => ({
      modelVersion: model.modelVersion,
      async propose(input) {
        const { program, confidence, target } = await model.propose(input);
        return { program, confidence, target };
      },
    }),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/**
 * The model proposer, loaded on the first attribute that needs it: a CLI call or a login whose
 * attributes are all cached (or pinned by an admin) never pays for loading the ONNX sessions.
 * `modelVersion` is read by the mapper only after a proposal, when the model is loaded.
 */
export function lazyModelProposer(): ProgramProposer {
  let version = 'not-loaded';
  return {
    get modelVersion() {
      return version;
    },
    async propose(input) {
      const model = await loadModelProposer();
      version = model.modelVersion;
      return model.propose(input);
    },
  };
}
