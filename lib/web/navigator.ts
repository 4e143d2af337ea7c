/**
 * navigator (HTML §8.9.1), as much of it as the WinterTC Minimum Common API
 * asks: `navigator.userAgent`, "Toro/<version>" (Workers say
 * "Cloudflare-Workers", Deno "Deno/<version>", Bun "Bun/<version>").
 */
import { version } from "../../package.json";

/** What the runtime tells about itself. */
export class Navigator {
  /** "Toro/" and the version of the Toro that built the image. */
  get userAgent(): string {
    return `Toro/${version}`;
  }

  get [Symbol.toStringTag](): string {
    return "Navigator";
  }
}

export const navigator = new Navigator();
