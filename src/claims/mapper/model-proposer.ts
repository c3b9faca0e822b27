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
