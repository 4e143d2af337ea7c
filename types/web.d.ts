// The web globals of lib/web (the build links each into services that name it).
// URLPattern's own package declares that global (the build installs it from there).
/// <reference types="urlpattern-polyfill" />
declare var Event: typeof import("../lib/web/event.ts").Event;
type Event = import("../lib/web/event.ts").Event;
type EventInit = import("../lib/web/event.ts").EventInit;
declare var CustomEvent: typeof import("../lib/web/event.ts").CustomEvent;
type CustomEvent<T = unknown> = import("../lib/web/event.ts").CustomEvent<T>;
declare var EventTarget: typeof import("../lib/web/event-target.ts").EventTarget;
type EventTarget = import("../lib/web/event-target.ts").EventTarget;
declare var DOMException: typeof import("../lib/web/dom-exception.ts").DOMException;
type DOMException = import("../lib/web/dom-exception.ts").DOMException;
declare var Blob: typeof import("../lib/web/blob.ts").Blob;
type Blob = import("../lib/web/blob.ts").Blob;
declare var File: typeof import("../lib/web/file.ts").File;
type File = import("../lib/web/file.ts").File;
declare var FormData: typeof import("../lib/web/form-data.ts").FormData;
type FormData = import("../lib/web/form-data.ts").FormData;
/** A deep copy by the HTML structured clone algorithm (`transfer` moves ArrayBuffers where the engine can detach them). */
declare function structuredClone<T>(value: T, options?: { transfer?: readonly unknown[] }): T;
/** Base64 to a binary string; an InvalidCharacterError DOMException if it is not base64. */
declare function atob(data: string): string;
/** A binary string to base64; an InvalidCharacterError DOMException for a char above U+00FF. */
declare function btoa(data: string): string;
/** Report an error as uncaught (printed with its stack; the service exits with code 1). */
declare function reportError(error: unknown): void;
declare var navigator: { readonly userAgent: string };
/** The global object, as in workers. */
declare var self: typeof globalThis;
