import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The committed model artefacts live next to the training code, not under src/. */
export const MODEL_DIR = fileURLToPath(new URL('../../../models/claims/', import.meta.url));
export const VOCAB_DIR = join(MODEL_DIR, 'vocab');
