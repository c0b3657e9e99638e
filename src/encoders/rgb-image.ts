// The decoded-picture shape on its own, so the decoders (sharp's path and the plain-PNG path) share it without
// importing each other.

/** Decoded pixels: height × width × 3 bytes, row-major RGB. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}
