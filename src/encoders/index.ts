/**
 * `embedkit/encoders`: one `Encoder` interface (texts in, unit vectors out) over word vectors (`StaticEncoder`),
 * local transformer models (`TransformerEncoder`, needs the optional `@huggingface/transformers`; `hf:ORG/NAME` ids
 * downloaded from the Hugging Face hub by `fetchHubModel`), CLIP-style text-and-image models (`ClipEncoder`, also
 * needs the optional `sharp`) and any
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
export { MODEL_DTYPES, type ModelDtype } from './onnx-dtypes.ts';
export { ClipEncoder, InputItemError, type ClipEncoderOptions, type ClipEncodeOptions, type ClipEncodeResult, type LabelScore } from './clip.ts';
export { acceptsImages, type ImageTextEncoder } from './clip-modalities.ts';
export { DEFAULT_LOGIT_SCALE, type ClipModelDirectory } from './clip-model-dir.ts';
export { decodeImage, isImageInput, ImageInputError, DEFAULT_MAX_IMAGE_PIXELS, type ImageInput, type EncoderInput, type RgbImage, type DecodeImageOptions } from './image-decode.ts';
export { listImageFiles, IMAGE_EXTENSIONS } from './image-files.ts';
export { RemoteEncoder, type RemoteEncoderOptions } from './remote.ts';
export { RemoteError, type RetryPolicy } from './remote-http.ts';
