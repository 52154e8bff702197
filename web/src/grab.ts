// Reading back what a <video> element shows, for the pages' automation
// hooks (window.parley.grab, window.whep.grab): the interop tests compare
// it with the picture the engine sent.

/** A picture grabbed from a video element: RGBA, base64. */
export interface Grab {
  width: number;
  height: number;
  rgba: string;
}

/** The picture v shows now, through a canvas; null before its first frame. */
export function grabVideo(v: HTMLVideoElement): Grab | null {
  if (v.videoWidth === 0) return null;
  const canvas = document.createElement("canvas");
  canvas.width = v.videoWidth;
  canvas.height = v.videoHeight;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  if (!ctx) return null;
  ctx.drawImage(v, 0, 0);
  const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let bin = "";
  for (let i = 0; i < px.length; i += 0x8000) bin += String.fromCharCode(...px.subarray(i, i + 0x8000));
  return { width: canvas.width, height: canvas.height, rgba: btoa(bin) };
}
