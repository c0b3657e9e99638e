/**
 * The weight types Hugging Face's ONNX exports ship, and the file-name suffix each one has (`onnx/model_quantized.onnx`
 * for q8, ...). One list for the hub downloader and for the model-directory readers, so a dtype that can be
 * downloaded can be opened.
 */
export const MODEL_DTYPES = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'] as const;
export type ModelDtype = (typeof MODEL_DTYPES)[number];

const DTYPE_SUFFIX: Record<ModelDtype, string> = { fp32: '', fp16: '_fp16', q8: '_quantized', int8: '_int8', uint8: '_uint8', q4: '_q4', q4f16: '_q4f16', bnb4: '_bnb4' };

/** The path of one ONNX graph (`model`, `text_model`, `vision_model`) for a weight type, inside a model directory. */
export function onnxGraphPath(graph: string, dtype: ModelDtype): string {
  return `onnx/${graph}${DTYPE_SUFFIX[dtype]}.onnx`;
}
