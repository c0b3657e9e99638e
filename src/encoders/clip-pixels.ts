// CLIP's picture preparation (preprocessor_config.json: resize, centre crop, rescale, normalize, HWC → CHW) done
// directly on our decoded RGB bytes. transformers.js's image processor gives the same numbers but costs far more
// than the vision tower of a small model: it wraps every picture in a sharp pipeline even when no resize is due,
// copies the pixels into floats twice and permutes a tensor per picture. Here a resize, when one is due, still goes
// through transformers.js's own RawImage.resize (so its resampling is unchanged), and everything after it is one
// pass through a 256-entry table per channel: rescale and normalize depend only on the byte and the channel.

import type { RgbImage } from './rgb-image.ts';

/** A resampler with transformers.js's RawImage.resize semantics (PIL's resample codes). */
export type Resize = (image: RgbImage, width: number, height: number, resample: number) => Promise<RgbImage>;

/** The processor classes whose preprocessing is the base ImageProcessor's, which this module reproduces. */
const PLAIN_PROCESSORS = new Set(['CLIPImageProcessor', 'CLIPFeatureExtractor']);

/** Settings that change the base algorithm (thumbnails, margins, padding, channel flips...): left to transformers.js. */
const UNREPRODUCED = ['do_thumbnail', 'do_crop_margin', 'do_pad', 'pad_size', 'do_flip_channel_order', 'size_divisibility', 'size_divisor', 'keep_aspect_ratio', 'ensure_multiple_of', 'min_pixels', 'max_pixels'];

type Size = number | { shortest_edge?: number; longest_edge?: number; width?: number; height?: number };

/**
 * The preparation a CLIP preprocessor_config.json asks for, when it is one this module reproduces exactly;
 * `undefined` otherwise (the caller then uses transformers.js's processor).
 */
export function clipPixelPlan(config: Record<string, unknown>): ClipPixelPlan | undefined {
  const kind = config.image_processor_type ?? config.feature_extractor_type;
  if (typeof kind !== 'string' || !PLAIN_PROCESSORS.has(kind)) return undefined;
  if (UNREPRODUCED.some((key) => Boolean(config[key]))) return undefined;
  if (config.do_convert_grayscale) return undefined;
  const size = (config.size ?? config.image_size) as Size | undefined;
  // A bare number with max_size is a longest edge too; rare enough to leave to transformers.js.
  if (typeof size === 'number' && config.max_size !== undefined) return undefined;
  const doResize = (config.do_resize as boolean | undefined) ?? size !== undefined;
  if (doResize && !isSize(size)) return undefined;
  const crop = config.do_center_crop ? cropSize(config.crop_size) : undefined;
  if (config.do_center_crop && !crop) return undefined;
  const mean = channelValues(config.image_mean ?? config.mean);
  const std = channelValues(config.image_std ?? config.std);
  const doNormalize = Boolean(config.do_normalize);
  if (doNormalize && (!mean || !std)) return undefined;
  const rescale = (config.do_rescale as boolean | undefined) ?? true;
  const factor = (config.rescale_factor as number | undefined) ?? 1 / 255;
  return new ClipPixelPlan({
    size: doResize ? size : undefined,
    resample: (config.resample as number | undefined) ?? 2,
    crop,
    table: byteTable(rescale ? factor : undefined, doNormalize ? mean : undefined, doNormalize ? std : undefined),
  });
}

/** One picture preparation, fixed by the model's preprocessor_config.json. */
export class ClipPixelPlan {
  private readonly size: Size | undefined;
  private readonly resample: number;
  private readonly crop: { width: number; height: number } | undefined;
  /** float32 value of byte b in channel c at [c * 256 + b]. */
  private readonly table: Float32Array;

  constructor(parts: { size: Size | undefined; resample: number; crop: { width: number; height: number } | undefined; table: Float32Array }) {
    this.size = parts.size;
    this.resample = parts.resample;
    this.crop = parts.crop;
    this.table = parts.table;
  }

  /**
   * The batch `pixel_values` of `images` (n × 3 × height × width floats) and its dims. Pictures that end at
   * different sizes (no centre crop) cannot share a batch: refused, as stacking them is.
   */
  async pixelValues(images: readonly RgbImage[], resize: Resize): Promise<{ data: Float32Array; dims: [number, number, number, number] }> {
    if (images.length === 0) return { data: new Float32Array(0), dims: [0, 3, this.crop?.height ?? 0, this.crop?.width ?? 0] };
    const sized = await Promise.all(images.map((image) => this.resized(image, resize)));
    const [width, height] = this.crop ? [this.crop.width, this.crop.height] : [sized[0].width, sized[0].height];
    if (sized.some((s) => !this.crop && (s.width !== width || s.height !== height))) {
      throw new RangeError('pictures of different sizes after resizing cannot be batched (the model has no centre crop)');
    }
    const plane = width * height;
    const data = new Float32Array(images.length * 3 * plane);
    sized.forEach((image, k) => this.fill(image, width, height, data, k * 3 * plane));
    return { data, dims: [images.length, 3, height, width] };
  }

  private async resized(image: RgbImage, resize: Resize): Promise<RgbImage> {
    if (this.size === undefined) return image;
    const [width, height] = resizeTarget(image.width, image.height, this.size);
    return width === image.width && height === image.height ? image : resize(image, width, height, this.resample);
  }

  /**
   * Writes the centre crop (width × height) of `image` into `out` at `at`, channel planes first. Offsets as
   * transformers.js's center_crop takes them: floor of half the difference, black where the crop lies outside.
   */
  private fill(image: RgbImage, width: number, height: number, out: Float32Array, at: number): void {
    const left = cropOffset(image.width, width);
    const top = cropOffset(image.height, height);
    const plane = width * height;
    const { data } = image;
    const table = this.table;
    for (let y = 0; y < height; y++) {
      const sy = y + top;
      for (let x = 0; x < width; x++) {
        const sx = x + left;
        const o = at + y * width + x;
        if (sy < 0 || sy >= image.height || sx < 0 || sx >= image.width) {
          out[o] = table[0];
          out[o + plane] = table[256];
          out[o + 2 * plane] = table[512];
          continue;
        }
        const s = (sy * image.width + sx) * 3;
        out[o] = table[data[s]];
        out[o + plane] = table[256 + data[s + 1]];
        out[o + 2 * plane] = table[512 + data[s + 2]];
      }
    }
  }
}

/** Source offset of a centre crop of `crop` out of `length`: negative when the crop pads the picture. */
function cropOffset(length: number, crop: number): number {
  const offset = (length - crop) / 2;
  return offset >= 0 ? Math.floor(offset) : -Math.floor(-offset);
}

/**
 * The size transformers.js's get_resize_output_image_size gives (shortest/longest edge keeping the aspect
 * ratio, rounded to 2 decimals then floored; or a fixed width × height).
 */
export function resizeTarget(srcWidth: number, srcHeight: number, size: Size): [number, number] {
  let shortest: number | undefined;
  let longest: number | undefined;
  if (typeof size === 'number') {
    shortest = size;
    longest = size;
  } else {
    shortest = size.shortest_edge;
    longest = size.longest_edge;
  }
  if (shortest !== undefined || longest !== undefined) {
    const short = shortest === undefined ? 1 : Math.max(shortest / srcWidth, shortest / srcHeight);
    const w = srcWidth * short;
    const h = srcHeight * short;
    const long = longest === undefined ? 1 : Math.min(longest / w, longest / h);
    return [Math.floor(Number((w * long).toFixed(2))), Math.floor(Number((h * long).toFixed(2)))];
  }
  const fixed = size as { width: number; height: number };
  return [fixed.width, fixed.height];
}

/**
 * The float32 each byte becomes, per channel, computed in the order and precision transformers.js uses: the byte
 * times the rescale factor, stored as float32, then (value − mean) / std in double, stored as float32.
 */
function byteTable(factor: number | undefined, mean: number[] | undefined, std: number[] | undefined): Float32Array {
  const table = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) {
    for (let b = 0; b < 256; b++) {
      let v = factor === undefined ? b : Math.fround(factor * b);
      if (mean && std) v = Math.fround((v - mean[c]) / std[c]);
      table[c * 256 + b] = v;
    }
  }
  return table;
}

function isSize(size: unknown): size is Size {
  if (typeof size === 'number') return Number.isInteger(size) && size > 0;
  if (typeof size !== 'object' || size === null) return false;
  const s = size as Record<string, unknown>;
  if (s.shortest_edge !== undefined || s.longest_edge !== undefined) return [s.shortest_edge, s.longest_edge].every((v) => v === undefined || (typeof v === 'number' && v > 0));
  return [s.width, s.height].every((v) => typeof v === 'number' && Number.isInteger(v) && v > 0);
}

function cropSize(crop: unknown): { width: number; height: number } | undefined {
  if (typeof crop === 'number' && Number.isInteger(crop) && crop > 0) return { width: crop, height: crop };
  if (typeof crop !== 'object' || crop === null) return undefined;
  const { width, height } = crop as Record<string, unknown>;
  return typeof width === 'number' && typeof height === 'number' && width > 0 && height > 0 ? { width, height } : undefined;
}

/** Three per-channel values from an array of 3 or one number for every channel. */
function channelValues(v: unknown): number[] | undefined {
  if (typeof v === 'number') return [v, v, v];
  return Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number') ? (v as number[]) : undefined;
}
