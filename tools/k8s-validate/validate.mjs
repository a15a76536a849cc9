#!/usr/bin/env node
// Validates Kubernetes objects in YAML against the Kubernetes JSON schemas (kubernetes-models) and KEDA's CRD
// schemas (@kubernetes-models/keda), offline.
//   node validate.mjs [--allow-unknown-fields] [file.yaml ...]     (reads standard input when no file is given)
//   node validate.mjs --check-coverage      (the strict check's premise, on the installed packages: see checkCoverage)
// Prints one line per object and a summary; exits 1 when any object is invalid or of an unknown apiVersion/kind,
// when a file is not valid YAML, or when the input holds no object at all.
//
// Types, enums, formats and required fields are checked by the schemas. They do not set additionalProperties:
// false (neither do the published Kubernetes OpenAPI schemas), so unknown or misspelled fields (`replica: 2`) would
// pass; the strict check (unknownFields below, on unless --allow-unknown-fields) rejects them, as the API server's
// strict field validation does.
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseAllDocuments } from "yaml";

// Packages whose export map is "<apiVersion>/<Kind>", tried in order: apiVersion "v1" is the core group's folder
// "v1", "apps/v1" is "apps/v1", "networking.k8s.io/v1" is "networking.k8s.io/v1"; KEDA's is "keda.sh/v1alpha1".
const modelPackages = ["kubernetes-models", "@kubernetes-models/keda"];

// A group is a DNS subdomain, a version and a kind are alphanumeric: nothing that could walk out of the package.
const apiVersionPattern = /^(?:[a-z0-9]([-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[a-z0-9]+$/;
const kindPattern = /^[A-Z][A-Za-z0-9]*$/;

const modelCache = new Map();

// The model class of a top-level kind, or undefined. Only a class that declares this very apiVersion and kind
// counts, so a nested type that happens to have a module of its own (apps/v1 DeploymentSpec) is no kind.
async function findModel(apiVersion, kind) {
  const key = `${apiVersion} ${kind}`;
  if (modelCache.has(key)) return modelCache.get(key);
  let model;
  if (apiVersionPattern.test(apiVersion) && kindPattern.test(kind)) {
    for (const pkg of modelPackages) {
      let module;
      try {
        module = await import(`${pkg}/${apiVersion}/${kind}`);
      } catch (error) {
        if (error?.code === "ERR_PACKAGE_PATH_NOT_EXPORTED" || error?.code === "ERR_MODULE_NOT_FOUND") continue;
        throw error;
      }
      const candidate = module[kind];
      if (typeof candidate === "function" && candidate.apiVersion === apiVersion && candidate.kind === kind) {
        model = candidate;
        break;
      }
    }
  }
  modelCache.set(key, model);
  return model;
}

function describeValidationError(error) {
  if (Array.isArray(error?.errors) && error.errors.length > 0) {
    return error.errors
      .map((e) => {
        let message = `${e.instancePath || "/"} ${e.message}`;
        if (e.keyword === "enum" && e.params?.allowedValues) {
          message += ` (${e.params.allowedValues.map((v) => JSON.stringify(v)).join(", ")})`;
        }
        return message;
      })
      .join("; ");
  }
  return error?.message ?? String(error);
}

// kustomize wraps long base64 Secret values at 70 columns; the API server's base64 decoder skips line breaks, so
// they are valid, but the schema's "byte" format is not that lenient. Validate them unwrapped.
function withUnwrappedSecretData(obj) {
  if (obj.apiVersion !== "v1" || obj.kind !== "Secret" || obj.data === null || typeof obj.data !== "object") return obj;
  const data = Object.fromEntries(
    Object.entries(obj.data).map(([key, value]) => [key, typeof value === "string" ? value.replace(/[\r\n]/g, "") : value]));
  return { ...obj, data };
}

// The packages ship their schemas compiled into ajv validators, not as JSON schema documents, so the fields of each
// object are learned from its validator: it runs on a proxy that records what it does with every object it is given
// (following $refs as the validator itself does). Compiled with allErrors, a validator reads every property its
// schema names, present or not; it enumerates the keys of a map (additionalProperties: labels, annotations, a
// ConfigMap's data, KEDA's trigger metadata) and checks each value; it never looks into a free-form object
// (x-kubernetes-preserve-unknown-fields, `type: object` without properties). int-or-string and quantities are
// scalars, not objects. So in an object whose names were read and whose keys were not enumerated, a key that was not
// read is a field its schema does not have.
function recordingProxy(root) {
  const namesRead = new WeakMap();
  const maps = new WeakSet();
  const proxies = new WeakMap();
  const note = (target, key) => {
    if (typeof key !== "string") return;
    let names = namesRead.get(target);
    if (!names) namesRead.set(target, (names = new Set()));
    names.add(key);
  };
  const wrap = (value) => {
    if (value === null || typeof value !== "object") return value;
    let proxy = proxies.get(value);
    if (!proxy) {
      proxy = new Proxy(value, {
        get(target, key, receiver) {
          note(target, key);
          return wrap(Reflect.get(target, key, receiver));
        },
        has(target, key) {
          note(target, key);
          return Reflect.has(target, key);
        },
        getOwnPropertyDescriptor(target, key) {
          note(target, key);
          return Reflect.getOwnPropertyDescriptor(target, key);
        },
        ownKeys(target) {
          maps.add(target);
          return Reflect.ownKeys(target);
        },
      });
      proxies.set(value, proxy);
    }
    return proxy;
  };
  return { proxy: wrap(root), target: root, namesRead, maps };
}

// Fields the models declare but their compiled validators never read, so the proxy cannot see them: measured over
// every model type of the three packages (--check-coverage), they are only in the types describing CRDs' own
// schemas (JSONSchemaProps and two beside it), whose generator left `description` and the x-kubernetes-* extensions
// out of the validation schemas.
const fieldsValidatorsDoNotRead = new Map([["apiextensions.k8s.io", /^(description|x-kubernetes-[a-z-]+)$/]]);

// JSON pointers (as the schema errors print them) of the fields no schema names, after a recorded validation.
function unknownFields(value, path, recording, unread, found = []) {
  if (value === null || typeof value !== "object") return found;
  const names = recording.namesRead.get(value);
  const isFieldList = names !== undefined && !Array.isArray(value) && !recording.maps.has(value);
  for (const [key, child] of Object.entries(value)) {
    const childPath = `${path}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    if (isFieldList && !names.has(key) && !unread?.test(key)) found.push(childPath);
    else unknownFields(child, childPath, recording, unread, found);
  }
  return found;
}

async function validateObject(obj, { strict }) {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
    return { ok: false, message: `document is a ${Array.isArray(obj) ? "list" : typeof obj}, not an object` };
  }
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== "string" || apiVersion === "") return { ok: false, message: "no apiVersion" };
  if (typeof kind !== "string" || kind === "") return { ok: false, message: "no kind" };
  const Model = await findModel(apiVersion, kind);
  if (!Model) {
    return { ok: false, message: `no schema for apiVersion ${apiVersion} kind ${kind} (unknown kind or version)` };
  }
  const data = withUnwrappedSecretData(obj);
  // The model's validate() runs the compiled schema on `this`: given the proxy, it validates the data as it is.
  const recording = recordingProxy(data);
  const problems = [];
  try {
    Model.prototype.validate.call(recording.proxy);
  } catch (error) {
    problems.push(describeValidationError(error));
  }
  if (strict) {
    // Every kind's schema names apiVersion, kind and metadata: a validator not seen reading them is not the one run
    // on the proxy (a changed @kubernetes-models/base), and the strict check would pass everything unseen.
    if (!recording.namesRead.get(data)?.has("metadata") || recording.maps.has(data)) {
      throw new Error(`the strict check could not follow the schema validator of ${apiVersion} ${kind}`);
    }
    const unread = fieldsValidatorsDoNotRead.get(apiVersion.split("/")[0]);
    problems.push(...unknownFields(data, "", recording, unread).map((path) => `${path} is not a field of its schema (unknown or misspelled)`));
  }
  return problems.length > 0 ? { ok: false, message: problems.join("; ") } : { ok: true };
}

function displayName(obj) {
  const metadata = obj && typeof obj === "object" && !Array.isArray(obj) ? obj.metadata : undefined;
  const name = metadata?.name ?? (metadata?.generateName ? `${metadata.generateName}*` : "<no name>");
  return metadata?.namespace ? `${metadata.namespace}/${name}` : String(name);
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

// The strict check's premise, checked on every model type the packages declare (as a TypeScript interface): its
// validator, given an object with every declared field, reads each of them, except the ones listed above. Prints the
// exceptions found; exits 1 if one is not listed (a package update would have made the strict check wrong).
async function checkCoverage() {
  const here = dirname(fileURLToPath(import.meta.url));
  let types = 0;
  let unexpected = 0;
  async function* declarations(folder) {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory() && !entry.name.startsWith("_") && entry.name !== "node_modules") yield* declarations(path);
      else if (entry.isFile() && entry.name.endsWith(".d.ts")) yield path;
    }
  }
  for (const pkg of [...modelPackages, "@kubernetes-models/apimachinery"]) {
    const root = join(here, "node_modules", pkg);
    for await (const file of declarations(root)) {
      const [, name, body] = (await readFile(file, "utf8")).match(/export interface I(\w+) \{([\s\S]*?)\n\}/) ?? [];
      const Model = name && (await import(pathToFileURL(file.replace(/\.d\.ts$/, ".js"))))[name];
      if (typeof Model !== "function" || !Object.hasOwn(Model.prototype, "validate")) continue;
      const fields = [...body.matchAll(/^ {4}(?:"([^"]+)"|(\w+))\??:/gm)].map((m) => m[1] ?? m[2]);
      const recording = recordingProxy(Object.fromEntries(fields.map((field) => [field, null])));
      try {
        Model.prototype.validate.call(recording.proxy);
      } catch {
        // Nulls are not valid everywhere: what matters is what the validator read.
      }
      types++;
      const group = file.slice(root.length + 1).split("/")[0]; // the API group's folder, e.g. apiextensions.k8s.io
      const unread = fields.filter((field) => !recording.namesRead.get(recording.target)?.has(field));
      const notListed = unread.filter((field) => !fieldsValidatorsDoNotRead.get(group)?.test(field));
      if (unread.length > 0) console.log(`${notListed.length > 0 ? "FAIL" : "ok  "} ${pkg} ${file.slice(root.length + 1)}: unread ${unread.join(", ")}`);
      if (notListed.length > 0) unexpected++;
    }
  }
  console.log(`${types} model types, ${unexpected} with fields their validator does not read and the strict check does not know`);
  return types > 0 && unexpected === 0 ? 0 : 1;
}

async function main(args) {
  if (args.includes("--check-coverage")) return checkCoverage();
  const strict = !args.includes("--allow-unknown-fields");
  const files = args.filter((arg) => arg !== "--allow-unknown-fields");
  const sources = files.length > 0 ? files : ["-"];
  let total = 0;
  let invalid = 0;
  let yamlFailures = 0;
  for (const source of sources) {
    const label = source === "-" ? "<stdin>" : source;
    const text = source === "-" ? await readStdin() : await readFile(source, "utf8");
    const docs = parseAllDocuments(text, { prettyErrors: true });
    const errors = docs.flatMap((doc) => doc.errors);
    if (errors.length > 0) {
      yamlFailures++;
      for (const error of errors) console.log(`FAIL ${label}: YAML error: ${error.message.split("\n")[0].replace(/:$/, "")}`);
      continue;
    }
    for (const doc of docs) {
      const obj = doc.toJS({ maxAliasCount: 1000 });
      if (obj === null || obj === undefined) continue; // an empty document (`---` alone, or only comments)
      total++;
      const result = await validateObject(obj, { strict });
      const apiVersion = obj?.apiVersion ?? "<no apiVersion>";
      const kind = obj?.kind ?? "<no kind>";
      if (result.ok) {
        console.log(`ok   ${apiVersion} ${kind} ${displayName(obj)}`);
      } else {
        invalid++;
        console.log(`FAIL ${apiVersion} ${kind} ${displayName(obj)}: ${result.message}`);
      }
    }
  }
  console.log(`${total} objects, ${invalid} invalid` + (yamlFailures ? `, ${yamlFailures} unparsable YAML input(s)` : ""));
  if (total === 0 && yamlFailures === 0) {
    // Most likely the command in front of the pipe failed (`kubectl kustomize` prints its error to stderr only).
    console.log("FAIL no Kubernetes object in the input");
    return 1;
  }
  return invalid > 0 || yamlFailures > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`k8s-validate: ${error?.message ?? error}`);
    process.exitCode = 2;
  },
);
