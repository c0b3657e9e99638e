/**
 * `embedkit/encoders`: one `Encoder` interface (texts in, unit vectors out) over word vectors (`StaticEncoder`),
 * local transformer models (`TransformerEncoder`, needs the optional `@huggingface/transformers`; `hf:ORG/NAME` ids
 * downloaded from the Hugging Face hub by `fetchHubModel`) and any
 * OpenAI-compatible embeddings API (`RemoteEncoder`).
 * @packageDocumentation
 */
export type { Encoder, EncodeOptions, EncodeResult } from './encoder.ts';
export { openEncoder, encoderSpecKind, type OpenEncoderOptions, type OpenedEncoder, type EncoderSpecKind } from './open-encoder.ts';
export { NoKnownWordError, StaticEncoder, type StaticEncoderOptions, type Pooling } from './static.ts';
export { TransformerEncoder, type TransformerEncoderOptions, type TokenVectors } from './transformer.ts';
export type { ModelDirectory, TransformerPooling } from './transformer-model-dir.ts';
export { fetchHubModel, type HubOptions, type HubProgressEvent, type HubModel } from './hub.ts';
export { parseHubSpec, type HubModelId } from './hub-spec.ts';
export { defaultHubCacheDir } from './hub-cache.ts';
export { MODEL_DTYPES, type ModelDtype } from './hub-files.ts';
export { RemoteEncoder, type RemoteEncoderOptions } from './remote.ts';
export { RemoteError, type RetryPolicy } from './remote-http.ts';
