/**
 * DOMException (Web IDL §3.14): an Error with a `name` from the standard's
 * table and the legacy numeric `code` that goes with it (0 for names newer
 * than the codes). QuickJS has none; the web APIs here throw it.
 */

// The legacy code of each name that has one; every other name's code is 0.
const CODES: Record<string, number> = {
  IndexSizeError: 1,
  HierarchyRequestError: 3,
  WrongDocumentError: 4,
  InvalidCharacterError: 5,
  NoModificationAllowedError: 7,
  NotFoundError: 8,
  NotSupportedError: 9,
  InUseAttributeError: 10,
  InvalidStateError: 11,
  SyntaxError: 12,
  InvalidModificationError: 13,
  NamespaceError: 14,
  InvalidAccessError: 15,
  TypeMismatchError: 17,
  SecurityError: 18,
  NetworkError: 19,
  AbortError: 20,
  URLMismatchError: 21,
  QuotaExceededError: 22,
  TimeoutError: 23,
  InvalidNodeTypeError: 24,
  DataCloneError: 25,
};

// The legacy constants, on the constructor and its prototype (DOMException.ABORT_ERR === 20).
const CONSTANTS: Record<string, number> = {
  INDEX_SIZE_ERR: 1,
  DOMSTRING_SIZE_ERR: 2,
  HIERARCHY_REQUEST_ERR: 3,
  WRONG_DOCUMENT_ERR: 4,
  INVALID_CHARACTER_ERR: 5,
  NO_DATA_ALLOWED_ERR: 6,
  NO_MODIFICATION_ALLOWED_ERR: 7,
  NOT_FOUND_ERR: 8,
  NOT_SUPPORTED_ERR: 9,
  INUSE_ATTRIBUTE_ERR: 10,
  INVALID_STATE_ERR: 11,
  SYNTAX_ERR: 12,
  INVALID_MODIFICATION_ERR: 13,
  NAMESPACE_ERR: 14,
  INVALID_ACCESS_ERR: 15,
  VALIDATION_ERR: 16,
  TYPE_MISMATCH_ERR: 17,
  SECURITY_ERR: 18,
  NETWORK_ERR: 19,
  ABORT_ERR: 20,
  URL_MISMATCH_ERR: 21,
  QUOTA_EXCEEDED_ERR: 22,
  TIMEOUT_ERR: 23,
  INVALID_NODE_TYPE_ERR: 24,
  DATA_CLONE_ERR: 25,
};

/** An error named as the web platform names its errors: `new DOMException("gone", "NotFoundError").code === 8`. */
export class DOMException extends Error {
  // Kept out of own properties, as in browsers and Node: name, message and code are prototype getters.
  #name: string;
  #message: string;

  /** `options` is the name, or `{ name, cause }`. */
  constructor(message: unknown = "", options: unknown = "Error") {
    super();
    // Error's constructor gives no own message when called without one; QuickJS may still leave an empty one.
    delete (this as { message?: string }).message;
    this.#message = String(message);
    if (options !== null && typeof options === "object") {
      const { name, cause } = options as { name?: unknown; cause?: unknown };
      this.#name = name === undefined ? "Error" : String(name);
      if ("cause" in options) Object.defineProperty(this, "cause", { value: cause, writable: true, configurable: true, enumerable: false });
    } else {
      this.#name = String(options);
    }
  }

  get name(): string {
    return this.#name;
  }

  get message(): string {
    return this.#message;
  }

  /** The legacy code of the name (0 for names without one). */
  get code(): number {
    return Object.hasOwn(CODES, this.#name) ? CODES[this.#name] : 0;
  }

  get [Symbol.toStringTag](): string {
    return "DOMException";
  }
}

for (const [name, value] of Object.entries(CONSTANTS)) {
  const constant = { value, writable: false, enumerable: true, configurable: false };
  Object.defineProperty(DOMException, name, constant);
  Object.defineProperty(DOMException.prototype, name, constant);
}
