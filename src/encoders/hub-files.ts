/**
 * Which files of a hub repository a model needs. The hub has no listing in its file URL layout, so the choice is
 * made from the files themselves: config.json and modules.json first, then what they imply (the ONNX graphs of the
 * model's kind for the chosen dtype, the tokenizer, the pooling folder sentence-transformers names, the image
 * processor's settings).
 */
import { onnxGraphPath, type ModelDtype } from './onnx-dtypes.ts';


/** One file of the repository, by its path there; a required file that the hub lacks is an error, an optional one is recorded as absent. */
export interface WantedFile {
  path: string;
  required: boolean;
}

/** What is fetched before anything else: the files every other choice depends on. */
export function firstFiles(): WantedFile[] {
  return [
    { path: 'config.json', required: true },
    { path: 'modules.json', required: false },
  ];
}

/**
 * The rest, decided from config.json (parsed) and modules.json (parsed, or undefined when the repository has
 * none). A dual encoder (CLIP: a text_config and a vision_config) has a text and a vision graph and needs the
 * image processor's settings; any other model has one graph.
 */
export function remainingFiles(config: unknown, modules: unknown, dtype: ModelDtype): WantedFile[] {
  const dual = isDualEncoder(config);
  const graphs = dual ? ['text_model', 'vision_model'] : ['model'];
  return [
    { path: 'tokenizer.json', required: true },
    { path: 'tokenizer_config.json', required: false },
    { path: 'special_tokens_map.json', required: false },
    { path: 'preprocessor_config.json', required: dual },
    { path: `${poolingFolder(modules)}/config.json`, required: false },
    ...graphs.map((g) => ({ path: onnxGraphPath(g, dtype), required: true })),
  ];
}

function isDualEncoder(config: unknown): boolean {
  if (typeof config !== 'object' || config === null) return false;
  const c = config as Record<string, unknown>;
  return c.model_type === 'clip' || c.model_type === 'siglip' || (typeof c.text_config === 'object' && typeof c.vision_config === 'object');
}

/** The folder sentence-transformers' modules.json names for its Pooling module (1_Pooling when it names none). */
function poolingFolder(modules: unknown): string {
  if (Array.isArray(modules)) {
    const pooling = modules.find((m) => typeof m?.type === 'string' && m.type.endsWith('.Pooling'));
    // Only a plain relative folder: the name becomes a path in the cache.
    if (pooling && typeof pooling.path === 'string' && /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(pooling.path)) return pooling.path;
  }
  return '1_Pooling';
}
