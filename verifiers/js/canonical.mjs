// JSON in, canonical JSON out: the value encoding of docs/bundle-spec.md ("Values").
//
// `readJson` parses JSON text as Python's json module does for a bundle: an integer literal
// stays an integer (a Number, or a BigInt past 2**53 - 1, so it can be rejected by value),
// while a literal with a fraction or an exponent (and NaN, Infinity, which Python also reads)
// becomes a `JsonFraction`. JSON.parse would read 5.0 as 5, and a bundle whose field says 5.0
// would then verify here while the Python verifier rejects it.
//
// `canonicalValue` is the RFC 8785 subset of provenance/canonical.py: null, booleans,
// strings, integers within ±(2**53 - 1), arrays and objects (keys sorted by UTF-16 code
// units); no fractional numbers, no lone surrogates.

export const MAX_SAFE_INTEGER = 2n ** 53n - 1n;

/** A number written with a fraction or an exponent: canonical JSON carries none. */
export class JsonFraction {
  constructor(text) {
    this.text = text;
  }

  get value() {
    return Number(this.text);
  }
}

/** Canonical JSON cannot represent the value unambiguously. */
export class CanonicalError extends Error {}

/** The JSON text is not JSON. */
export class JsonSyntaxError extends Error {}

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
const ESCAPES = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/y;
const LITERALS = [
  ["true", true],
  ["false", false],
  ["null", null],
  ["NaN", "fraction"],
  ["Infinity", "fraction"],
  ["-Infinity", "fraction"],
];

/** Parse JSON text (see the module comment for how numbers come out). */
export function readJson(text) {
  let at = 0;
  const fail = (what) => {
    throw new JsonSyntaxError(`${what} at character ${at}`);
  };
  const skip = () => {
    while (at < text.length && WHITESPACE.has(text[at])) at++;
  };

  function value() {
    skip();
    const char = text[at];
    if (char === "{") return object();
    if (char === "[") return array();
    if (char === '"') return string();
    for (const [word, result] of LITERALS) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return result === "fraction" ? new JsonFraction(word) : result;
      }
    }
    NUMBER.lastIndex = at;
    const match = NUMBER.exec(text);
    if (match === null) fail("Expecting value");
    at = NUMBER.lastIndex;
    if (match[1] !== undefined || match[2] !== undefined) return new JsonFraction(match[0]);
    const integer = BigInt(match[0]);
    const safe = integer <= MAX_SAFE_INTEGER && integer >= -MAX_SAFE_INTEGER;
    // -0 is the integer 0, as in Python.
    return safe ? Number(integer) : integer;
  }

  function object() {
    at++;
    const result = {};
    skip();
    if (text[at] === "}") {
      at++;
      return result;
    }
    for (;;) {
      skip();
      if (text[at] !== '"') fail("Expecting property name enclosed in double quotes");
      const key = string();
      skip();
      if (text[at] !== ":") fail("Expecting ':' delimiter");
      at++;
      // defineProperty: a "__proto__" member is a member, not the object's prototype.
      Object.defineProperty(result, key, {
        value: value(),
        writable: true,
        enumerable: true,
        configurable: true,
      });
      skip();
      if (text[at] === ",") {
        at++;
      } else if (text[at] === "}") {
        at++;
        return result;
      } else {
        fail("Expecting ',' delimiter");
      }
    }
  }

  function array() {
    at++;
    const result = [];
    skip();
    if (text[at] === "]") {
      at++;
      return result;
    }
    for (;;) {
      result.push(value());
      skip();
      if (text[at] === ",") {
        at++;
      } else if (text[at] === "]") {
        at++;
        return result;
      } else {
        fail("Expecting ',' delimiter");
      }
    }
  }

  function string() {
    at++;
    let out = "";
    for (;;) {
      if (at >= text.length) fail("Unterminated string");
      const char = text[at];
      if (char === '"') {
        at++;
        return out;
      }
      if (char < " ") fail("Invalid control character");
      if (char !== "\\") {
        out += char;
        at++;
        continue;
      }
      const escape = text[at + 1];
      if (escape === "u") {
        const digits = text.slice(at + 2, at + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(digits)) fail("Invalid \\uXXXX escape");
        // Lone surrogates are kept, as Python keeps them; canonicalisation rejects them.
        out += String.fromCharCode(parseInt(digits, 16));
        at += 6;
      } else if (escape in ESCAPES) {
        out += ESCAPES[escape];
        at += 2;
      } else {
        fail("Invalid \\escape");
      }
    }
  }

  const result = value();
  skip();
  if (at !== text.length) fail("Extra data");
  return result;
}

/** The canonical JSON of any JSON value, as UTF-8 bytes; `path` names it in errors. */
export function canonicalValue(value, path = "$") {
  const parts = [];
  const found = { loneSurrogate: false };
  serialise(value, path, parts, found);
  // Only once the whole value is serialised, as Python finds a lone surrogate when it encodes
  // the text: any other fault in the value is the one reported.
  if (found.loneSurrogate) {
    throw new CanonicalError(
      `${path} contains a lone UTF-16 surrogate, which JSON text cannot carry.`,
    );
  }
  return new TextEncoder().encode(parts.join(""));
}

function serialise(value, path, parts, found) {
  if (value === null) {
    parts.push("null");
  } else if (value === true || value === false) {
    parts.push(String(value));
  } else if (typeof value === "string") {
    parts.push(quoted(value, found));
  } else if (typeof value === "bigint" || (typeof value === "number" && Number.isInteger(value))) {
    const integer = BigInt(value);
    if (integer > MAX_SAFE_INTEGER || integer < -MAX_SAFE_INTEGER) {
      throw new CanonicalError(
        `${path}: the integer ${integer} is outside ±(2**53 - 1), which not every JSON ` +
          "reader represents exactly; pass it as a string.",
      );
    }
    parts.push(integer.toString());
  } else if (typeof value === "number" || value instanceof JsonFraction) {
    const text = value instanceof JsonFraction ? value.text : String(value);
    throw new CanonicalError(
      `${path}: ${text} is a float; canonical documents carry no fractional numbers. ` +
        'Pass decimals as strings (e.g. "0.734").',
    );
  } else if (Array.isArray(value)) {
    parts.push("[");
    value.forEach((item, index) => {
      if (index) parts.push(",");
      serialise(item, `${path}[${index}]`, parts, found);
    });
    parts.push("]");
  } else if (typeof value === "object") {
    // RFC 8785 3.2.3: keys in the order of their UTF-16 code units, which is how
    // JavaScript compares strings.
    const keys = Object.keys(value).sort();
    parts.push("{");
    keys.forEach((key, index) => {
      if (index) parts.push(",");
      parts.push(quoted(key, found), ":");
      serialise(value[key], `${path}.${key}`, parts, found);
    });
    parts.push("}");
  } else {
    throw new CanonicalError(
      `${path}: values of type ${typeof value} cannot go in a canonical document ` +
        "(allowed: object, array, string, integer, boolean, null).",
    );
  }
}

function quoted(text, found) {
  // JSON.stringify escapes as RFC 8785 says (\" \\ \b \f \n \r \t, \u00xx in lower case for
  // the other control characters, everything else literal), except that it would write a lone
  // surrogate as an escape, where canonical JSON has no way to carry one.
  if (!text.isWellFormed()) found.loneSurrogate = true;
  return JSON.stringify(text);
}
